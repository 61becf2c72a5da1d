package dev.caravan.embedded;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirInUseFailureAnalyzerTest {

    @Test
    void isRegisteredAndReportsTheOneLineAndTheActionFromDeepInTheBeanCreationChain() throws IOException {
        assertThat(registered(FailureAnalyzer.class)).contains(DataDirInUseFailureAnalyzer.class.getName());
        DataDirInUseException cause = new DataDirInUseException("Another Caravan gateway (pid 1) is using it", "Stop it.");

        FailureAnalysis analysis = new DataDirInUseFailureAnalyzer()
                .analyze(new BeanCreationException("adminBootstrap", "Unsatisfied dependency",
                        new BeanCreationException("embeddedDatabase", "Factory method threw", cause)));

        assertThat(analysis.getDescription()).isEqualTo("Another Caravan gateway (pid 1) is using it");
        assertThat(analysis.getAction()).isEqualTo("Stop it.");
    }

    /** The names listed for {@code type} in every META-INF/spring.factories, as Spring Boot reads them. */
    private List<String> registered(Class<?> type) throws IOException {
        List<String> names = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            Properties factories = PropertiesLoaderUtils.loadProperties(new UrlResource(url));
            for (String name : factories.getProperty(type.getName(), "").split(",")) {
                names.add(name.trim());
            }
        }
        return names;
    }
}
