package io.github.asynctask.compatibility;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that this module's run of the async-task-autoconfigure suite really has Spring Boot 4.1 on its class
 * path, not the 4.0 of the rest of the build.
 */
class SpringBootVersionTests {

	@Test
	void springBootOnTheClassPathIs41() {
		assertThat(SpringBootVersion.getVersion()).startsWith("4.1.");
		assertThat(jarOf(AutoConfiguration.class)).contains("spring-boot-autoconfigure-4.1.");
		assertThat(jarOf(ApplicationContextRunner.class)).contains("spring-boot-test-4.1.");
	}

	private static String jarOf(Class<?> type) {
		return type.getProtectionDomain().getCodeSource().getLocation().toString();
	}

}
