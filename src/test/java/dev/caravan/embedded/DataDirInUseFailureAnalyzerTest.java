package dev.caravan.embedded;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirInUseFailureAnalyzerTest {

    @Test
    void isRegisteredAndReportsTheOneLineAndTheActionFromDeepInTheBeanCreationChain() {
        assertThat(SpringFactoriesLoader.loadFactoryNames(FailureAnalyzer.class, getClass().getClassLoader()))
                .contains(DataDirInUseFailureAnalyzer.class.getName());
        DataDirInUseException cause = new DataDirInUseException("Another Caravan gateway (pid 1) is using it", "Stop it.");

        FailureAnalysis analysis = new DataDirInUseFailureAnalyzer()
                .analyze(new BeanCreationException("adminBootstrap", "Unsatisfied dependency",
                        new BeanCreationException("embeddedDatabase", "Factory method threw", cause)));

        assertThat(analysis.getDescription()).isEqualTo("Another Caravan gateway (pid 1) is using it");
        assertThat(analysis.getAction()).isEqualTo("Stop it.");
    }
}
