package dev.caravan;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Caravan: an OpenAI-compatible AI gateway whose routing is written as Camel routes. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CaravanApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(CaravanApplication.class);
        // Spring MVC and Tomcat are on the class path for Hawtio's management port only (dev.caravan.hawtio): the
        // gateway is no servlet application, its HTTP server is Vert.x (also set in application.yaml)
        application.setWebApplicationType(WebApplicationType.NONE);
        application.run(args);
    }
}
