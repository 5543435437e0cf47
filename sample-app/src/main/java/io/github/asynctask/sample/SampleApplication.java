package io.github.asynctask.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The async-task sample: a web app that emails a newsletter to many recipients by handing one {@code SendEmail}
 * task per recipient to the task workers, answers the request at once, and lets anyone watch the emails go out.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
