package dev.caravan.support;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Records how the servlet container dispatched each request (first dispatch, async re-dispatch) and whether the
 * request was left in async mode, so tests can check that a call is answered on its own request thread.
 */
@TestConfiguration(proxyBeanMethods = false)
public class DispatchRecorder {

    /** One dispatch: its type, the request's {@code x-request-id}, and whether async processing was started. */
    public record Dispatch(DispatcherType type, String requestId, boolean asyncStarted) {
    }

    public static final List<Dispatch> DISPATCHES = new CopyOnWriteArrayList<>();

    @Bean
    FilterRegistrationBean<Filter> dispatchRecordingFilter() {
        Filter filter = (ServletRequest request, ServletResponse response, FilterChain chain) -> record(request, response, chain);
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.addUrlPatterns("/v1/*");
        registration.setAsyncSupported(true);
        return registration;
    }

    private static void record(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, response);
        DISPATCHES.add(new Dispatch(request.getDispatcherType(),
                ((HttpServletRequest) request).getHeader("x-request-id"), request.isAsyncStarted()));
    }
}
