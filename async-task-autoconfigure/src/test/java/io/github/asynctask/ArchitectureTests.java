package io.github.asynctask;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of STYLE.md, said once here rather than in every review.
 */
class ArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption((location) -> !location.contains("-tests.jar")) // the suite run from its test-jar
		.importPackages("io.github.asynctask");

	@Test
	void importsTheLibrary() {
		assertThat(CLASSES.containPackage("io.github.asynctask.handler")).isTrue();
		assertThat(CLASSES.containPackage("io.github.asynctask.server")).isTrue();
		assertThat(CLASSES.containPackage("io.github.asynctask.workers")).isTrue();
		assertThat(CLASSES.containPackage("io.github.asynctask.transport.local")).isTrue();
		assertThat(CLASSES.containPackage("io.github.asynctask.autoconfigure")).isTrue();
		assertThat(CLASSES).extracting((javaClass) -> javaClass.getName())
			.contains(TaskTemplate.class.getName())
			.noneMatch((name) -> name.endsWith("Tests"));
	}

	@Test
	void libraryPackagesDoNotDependOnSpringBootAutoConfiguration() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("io.github.asynctask.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot.autoconfigure..")
			.because("library code must work without Spring Boot's auto-configuration; wiring belongs in "
					+ "io.github.asynctask.autoconfigure");
		rule.check(CLASSES);
	}

	@Test
	void publicApiDoesNotDependOnItsImplementation() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("io.github.asynctask")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.github.asynctask.server..", "io.github.asynctask.handler..")
			.because("the public API in io.github.asynctask is what users code against; implementations depend on "
					+ "it, not the other way round");
		rule.check(CLASSES);
	}

	@Test
	void nothingImportsUpwardsFromExecutionToAutoConfiguration() {
		ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("execution")
			.definedBy("io.github.asynctask.execution..")
			.layer("workers")
			.definedBy("io.github.asynctask.workers..")
			.layer("transport")
			.definedBy("io.github.asynctask.transport..")
			.layer("server")
			.definedBy("io.github.asynctask.server..")
			.layer("autoconfigure")
			.definedBy("io.github.asynctask.autoconfigure..")
			.whereLayer("autoconfigure")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("server")
			.mayOnlyBeAccessedByLayers("autoconfigure")
			.whereLayer("transport")
			.mayOnlyBeAccessedByLayers("server", "autoconfigure")
			.whereLayer("workers")
			.mayOnlyBeAccessedByLayers("transport", "server", "autoconfigure")
			.because("the layers are execution <- workers <- transport.* <- server <- autoconfigure: a lower layer "
					+ "that imports a higher one is how settings got lost (a transport building the server's pool "
					+ "with defaults)");
		rule.check(CLASSES);
	}

	@Test
	void theSharedCodeBelowThePoolImportsNoLayerAboveIt() {
		ArchRule rule = noClasses().that()
			.resideInAnyPackage("io.github.asynctask.execution..", "io.github.asynctask.handler..",
					"io.github.asynctask.dispatch..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.github.asynctask.workers..", "io.github.asynctask.transport..",
					"io.github.asynctask.server..", "io.github.asynctask.autoconfigure..")
			.because("handlers, dispatching and the execution chain are the same code in every mode, below the "
					+ "worker pool and every transport");
		rule.check(CLASSES);
	}

	@Test
	void transportsDoNotImportEachOther() {
		noClasses().that()
			.resideInAPackage("io.github.asynctask.transport.redis..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.github.asynctask.transport.local..")
			.because("both transports compose the worker pool; neither builds the other")
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage("io.github.asynctask.transport.local..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.github.asynctask.transport.redis..")
			.check(CLASSES);
	}

	@Test
	void onlyTheMetricsPackageImportsMicrometer() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackages("io.github.asynctask.metrics..", "io.github.asynctask.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.micrometer.core..", "io.micrometer.observation..", "io.micrometer.common..")
			.because("Micrometer is optional: only io.github.asynctask.metrics uses it, behind its own "
					+ "auto-configuration");
		rule.check(CLASSES);
	}

	@Test
	void onlyTheContextPackageImportsContextPropagation() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackages("io.github.asynctask.context..", "io.github.asynctask.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.micrometer.context..")
			.because("context propagation is one link of the execution chain, in io.github.asynctask.context");
		rule.check(CLASSES);
	}

	@Test
	void onlyTheActuatePackageImportsActuator() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackages("io.github.asynctask.actuate..", "io.github.asynctask.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.boot.actuate..", "org.springframework.boot.health..")
			.because("Actuator is optional: the endpoint and the health indicator live in io.github.asynctask.actuate");
		rule.check(CLASSES);
	}

}
