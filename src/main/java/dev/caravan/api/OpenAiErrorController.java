package dev.caravan.api;

import dev.caravan.call.RequestIds;
import dev.caravan.openai.OpenAiError;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that happen before a request reaches a Camel route (unknown URL, wrong method, a request the server
 * refuses) in the same OpenAI shape as every other error, instead of Spring Boot's default error body.
 */
@RestController
public class OpenAiErrorController implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<byte[]> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String message = switch (status) {
            case 404 -> "Unknown request URL: " + request.getMethod() + " " + uri
                    + ". Please check the URL for typos, or see the docs at README.md#api.";
            case 405 -> "Method " + request.getMethod() + " is not allowed on " + uri + ".";
            case 413 -> "The request body is too large.";
            default -> status >= 500 ? "The server had an error while processing your request."
                    : "The request could not be processed.";
        };
        String errorCode = switch (status) {
            case 404 -> "unknown_url";
            case 405 -> "method_not_allowed";
            default -> null;
        };
        OpenAiError error = new OpenAiError(status, message, OpenAiError.typeForStatus(status == 404 ? 400 : status),
                null, errorCode);
        String requestId = RequestIds.fromClientOrNew(request.getHeader(RequestIds.HEADER));
        return ResponseEntity.status(status)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
                .header(RequestIds.HEADER, requestId)
                .body(error.toBytes());
    }
}
