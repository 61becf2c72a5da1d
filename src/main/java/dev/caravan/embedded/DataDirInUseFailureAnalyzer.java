package dev.caravan.embedded;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a held data directory into Spring Boot's short "APPLICATION FAILED TO START" report (registered in
 * META-INF/spring.factories): the user needs the one line saying who holds it and what to do, not the bean
 * creation chain that led there.
 */
public class DataDirInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirInUseException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
