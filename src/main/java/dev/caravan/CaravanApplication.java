package dev.caravan;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Caravan: an OpenAI-compatible AI gateway whose routing is written as Camel routes. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CaravanApplication {

    public static void main(String[] args) {
        SpringApplication.run(CaravanApplication.class, args);
    }
}
