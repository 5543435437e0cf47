package io.github.asynctask.transport.redis;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Redis, Lettuce and Jackson are optional: only the Redis transport and its auto-configuration may touch them, so
 * an application without them never loads a class that needs them.
 */
class RedisArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption((location) -> !location.contains("-tests.jar")) // the suite run from its test-jar
		.importPackages("io.github.asynctask");

	@Test
	void onlyTheRedisPackagesUseRedisLettuceOrJackson() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackages("io.github.asynctask.transport.redis..", "io.github.asynctask.autoconfigure.redis..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.data.redis..", "io.lettuce..", "tools.jackson..")
			.because("spring-data-redis, Lettuce and Jackson are optional dependencies of the Redis transport");
		rule.check(CLASSES);
	}

	@Test
	void onlyLettuceRawCommandsUsesLettuce() {
		ArchRule rule = noClasses().that()
			.haveNameNotMatching(".*\\.LettuceRawCommands(\\$.*)?") // and its nested classes
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.lettuce..", "org.springframework.data.redis.connection.lettuce..")
			.because("the transport works on any RedisConnectionFactory; Lettuce is used only where it is there");
		rule.check(CLASSES);
	}

}
