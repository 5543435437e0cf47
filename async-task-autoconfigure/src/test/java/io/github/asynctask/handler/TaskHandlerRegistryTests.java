package io.github.asynctask.handler;

import java.time.Duration;

import io.github.asynctask.NoTaskHandlerException;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Routing of payloads to {@code @OnTask} handlers: by exact class, by most specific supertype, by name, and the
 * dispatch-time errors a caller can cause.
 */
class TaskHandlerRegistryTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String TASK_NAMES = "[Animal, Dog, Flyer, Swimmer, vet]";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=2")
		.withBean("animalHandlers", AnimalHandlers.class, AnimalHandlers::new);

	@Test
	void registersEveryTaskNameSorted() {
		this.runner.run((context) -> assertThat(context.getBean(TaskHandlerRegistry.class).taskNames())
			.hasToString(TASK_NAMES));
	}

	@Test
	void routesByExactClass() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			String result = template.dispatchAndWait(new Dog("rex"), WAIT);
			assertThat(result).isEqualTo("dog rex");
			assertThat(context.getBean(TaskHandlerRegistry.class).handlerFor(Dog.class).name()).isEqualTo("Dog");
		});
	}

	@Test
	void routesToTheHandlerOfAnInterfaceWhenNoClassMatches() {
		this.runner.run((context) -> {
			String result = context.getBean(TaskTemplate.class).dispatchAndWait(new Cat("tom"), WAIT);
			assertThat(result).isEqualTo("animal tom");
		});
	}

	@Test
	void routesToTheMostSpecificSupertype() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			// Puppy is a Dog and (through Dog) an Animal: Dog is more specific
			String first = template.dispatchAndWait(new Puppy("bit"), WAIT);
			String second = template.dispatchAndWait(new Puppy("byte"), WAIT);
			assertThat(first).isEqualTo("dog bit");
			assertThat(second).isEqualTo("dog byte");
			assertThat(context.getBean(TaskHandlerRegistry.class).handlerFor(Puppy.class).name()).isEqualTo("Dog");
		});
	}

	@Test
	void ambiguousPayloadFailsAtDispatchListingTheCandidatesAndTaskNames() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			assertThatExceptionOfType(NoTaskHandlerException.class).isThrownBy(() -> template.dispatch(new Duck()))
				.withMessageContaining(Duck.class.getName())
				.withMessageContaining("ambiguous")
				.withMessageContaining("'Swimmer'")
				.withMessageContaining("'Flyer'")
				.withMessageContaining("task names are " + TASK_NAMES)
				.withMessageContaining("named(");
			// the cached answer is the same
			assertThatExceptionOfType(NoTaskHandlerException.class).isThrownBy(() -> template.dispatch(new Duck()))
				.withMessageContaining("ambiguous");
			// and naming the task resolves it
			String swum = template.named("Swimmer").dispatchAndWait(new Duck(), WAIT);
			assertThat(swum).isEqualTo("swims");
		});
	}

	@Test
	void twoHandlersOfOneExactTypeMakeItAmbiguous() {
		this.runner.withBean("walkHandler", WalkHandler.class, WalkHandler::new).run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			assertThatExceptionOfType(NoTaskHandlerException.class).isThrownBy(() -> template.dispatch(new Dog("rex")))
				.withMessageContaining("ambiguous")
				.withMessageContaining("'Dog'")
				.withMessageContaining("'walk'")
				.withMessageContaining("task names are [Animal, Dog, Flyer, Swimmer, vet, walk]");
			String walked = template.named("walk").dispatchAndWait(new Dog("rex"), WAIT);
			assertThat(walked).isEqualTo("walks rex");
		});
	}

	@Test
	void payloadWithoutHandlerFailsAtDispatchListingTaskNames() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			assertThatExceptionOfType(NoTaskHandlerException.class).isThrownBy(() -> template.dispatch(new Stone()))
				.withMessageContaining("No @OnTask method takes a payload of type " + Stone.class.getName())
				.withMessageContaining("task names are " + TASK_NAMES);
			assertThatExceptionOfType(NoTaskHandlerException.class)
				.isThrownBy(() -> template.submit(new Stone()))
				.withMessageContaining(Stone.class.getName());
		});
	}

	@Test
	void namedRoutesByNameEvenWhenTheTypeWouldRouteElsewhere() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			String result = template.named("vet").dispatchAndWait(new Dog("rex"), WAIT);
			assertThat(result).isEqualTo("vet rex");
			String animal = template.named("Animal").dispatchAndWait(new Puppy("bit"), WAIT);
			assertThat(animal).isEqualTo("animal bit");
		});
	}

	@Test
	void namedWithAPayloadOfTheWrongTypeIsIllegalArgumentNamingBothTypes() {
		this.runner.run((context) -> {
			TaskTemplate named = context.getBean(TaskTemplate.class).named("Dog");
			assertThatIllegalArgumentException().isThrownBy(() -> named.dispatch(new Cat("tom")))
				.withMessageContaining("'Dog'")
				.withMessageContaining(Dog.class.getName())
				.withMessageContaining(Cat.class.getName());
		});
	}

	@Test
	void namedUnknownTaskFailsListingTaskNames() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TaskTemplate named = template.named("dgo"); // a view resolves its name at its first dispatch
			assertThatExceptionOfType(NoTaskHandlerException.class).isThrownBy(() -> named.dispatch(new Object()))
				.withMessageContaining("'dgo'")
				.withMessageContaining("task names are " + TASK_NAMES);
		});
	}

	@Test
	void nullPayloadIsIllegalArgument() {
		this.runner.run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			assertThatIllegalArgumentException().isThrownBy(() -> template.dispatch(null))
				.withMessageContaining("payload");
			assertThatIllegalArgumentException().isThrownBy(() -> template.named("Dog").dispatch(null))
				.withMessageContaining("payload");
			assertThatIllegalArgumentException().isThrownBy(() -> template.tryDispatch(null))
				.withMessageContaining("payload");
		});
	}

	@Test
	void registryIsFrozenOnceTheContextIsRefreshed() {
		this.runner.run((context) -> {
			TaskHandlerRegistry registry = context.getBean(TaskHandlerRegistry.class);
			TaskHandler existing = registry.handler("Dog");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> registry.register(existing))
				.withMessageContaining("frozen");
		});
	}

	// Payloads

	interface Animal {

		String name();

	}

	interface Patient {

		String name();

	}

	interface Swimmer {

	}

	interface Flyer {

	}

	static class Dog implements Animal, Patient {

		private final String name;

		Dog(String name) {
			this.name = name;
		}

		@Override
		public String name() {
			return this.name;
		}

	}

	static class Puppy extends Dog {

		Puppy(String name) {
			super(name);
		}

	}

	record Cat(String name) implements Animal {
	}

	record Duck() implements Swimmer, Flyer {
	}

	record Stone() {
	}

	static class AnimalHandlers {

		@OnTask
		String animal(Animal animal) {
			return "animal " + animal.name();
		}

		@OnTask
		String dog(Dog dog) {
			return "dog " + dog.name();
		}

		@OnTask
		String swim(Swimmer swimmer) {
			return "swims";
		}

		@OnTask
		String fly(Flyer flyer) {
			return "flies";
		}

		@OnTask("vet")
		String vet(Patient patient) {
			return "vet " + patient.name();
		}

	}

	static class WalkHandler {

		@OnTask("walk")
		String walk(Dog dog) {
			return "walks " + dog.name();
		}

	}

}
