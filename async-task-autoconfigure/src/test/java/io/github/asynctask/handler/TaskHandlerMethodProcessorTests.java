package io.github.asynctask.handler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.asynctask.TaskContext;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskTemplate;
import io.github.asynctask.annotation.OnFinish;
import io.github.asynctask.annotation.OnTask;
import io.github.asynctask.autoconfigure.AsyncTaskAutoConfiguration;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discovery and validation of {@code @OnTask} and {@code @OnFinish} methods in a real application context: every
 * startup error names bean, method and fix; naming rules, parameter orders, lazy and proxied beans.
 */
class TaskHandlerMethodProcessorTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncTaskAutoConfiguration.class))
		.withPropertyValues("async-task.task-worker-num=2");

	// Startup errors

	@Test
	void twoHandlersWithOneTaskNameFailStartupNamingBothBeansAndMethods() {
		this.runner.withBean("firstJobHandler", JobHandler.class, JobHandler::new)
			.withBean("secondJobHandler", OtherJobHandler.class, OtherJobHandler::new)
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("'Job'")
					.contains("bean 'firstJobHandler'")
					.contains("bean 'secondJobHandler'")
					.contains(JobHandler.class.getName() + ".handle(Job)")
					.contains(OtherJobHandler.class.getName() + ".other(Job)");
				assertThat(ex.getAction()).contains("@OnTask(\"...\")").contains("named(");
			});
	}

	@Test
	void onTaskWithoutPayloadParameterFailsStartup() {
		this.runner.withBean("noPayload", NoPayloadHandler.class, NoPayloadHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'noPayload'")
				.contains(NoPayloadHandler.class.getName() + ".handle()")
				.contains("has no payload parameter");
			assertThat(ex.getAction()).contains("exactly one payload parameter");
		});
	}

	@Test
	void onTaskWithOnlyTaskContextFailsStartupAsHavingNoPayload() {
		this.runner.withBean("contextOnly", ContextOnlyHandler.class, ContextOnlyHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'contextOnly'")
				.contains(ContextOnlyHandler.class.getName() + ".handle(TaskContext)")
				.contains("has no payload parameter");
			assertThat(ex.getAction()).contains("exactly one payload parameter");
		});
	}

	@Test
	void onTaskWithTwoPayloadParametersFailsStartup() {
		this.runner.withBean("twoPayloads", TwoPayloadsHandler.class, TwoPayloadsHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'twoPayloads'")
				.contains(TwoPayloadsHandler.class.getName() + ".handle(Job, String, TaskContext)")
				.contains("2 payload parameters");
			assertThat(ex.getAction()).contains("exactly one payload parameter").contains("TaskContext");
		});
	}

	@Test
	void onTaskWithTaskContextTwiceFailsStartup() {
		this.runner.withBean("twoContexts", TwoContextsHandler.class, TwoContextsHandler::new).run((context) -> {
			TaskHandlerDefinitionException ex = definitionFailure(context);
			assertThat(ex.getDescription()).contains("bean 'twoContexts'")
				.contains(TwoContextsHandler.class.getName() + ".handle(TaskContext, Job, TaskContext)")
				.contains("TaskContext twice");
			assertThat(ex.getAction()).contains("one TaskContext parameter");
		});
	}

	@Test
	void onFinishWithoutParametersFailsStartup() {
		assertUnsupportedOnFinish(NoArgListener.class, NoArgListener::new, "done()");
	}

	@Test
	void onFinishWithTaskContextAloneFailsStartup() {
		assertUnsupportedOnFinish(ContextOnlyListener.class, ContextOnlyListener::new, "done(TaskContext)");
	}

	@Test
	void onFinishWhoseSecondParameterIsNotTaskContextFailsStartup() {
		assertUnsupportedOnFinish(TwoValuesListener.class, TwoValuesListener::new, "done(String, Integer)");
	}

	@Test
	void onFinishWithTaskResultAndTaskContextFailsStartup() {
		assertUnsupportedOnFinish(ResultAndContextListener.class, ResultAndContextListener::new,
				"done(TaskResult, TaskContext)");
	}

	@Test
	void onFinishWithThreeParametersFailsStartup() {
		assertUnsupportedOnFinish(ThreeParamsListener.class, ThreeParamsListener::new,
				"done(String, TaskContext, String)");
	}

	private <T> void assertUnsupportedOnFinish(Class<T> type, java.util.function.Supplier<T> supplier,
			String signature) {
		this.runner.withBean("jobHandler", JobHandler.class, JobHandler::new)
			.withBean("badListener", type, supplier)
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("bean 'badListener'")
					.contains(type.getName() + "." + signature)
					.contains("@OnFinish")
					.contains("unsupported signature");
				assertThat(ex.getAction()).contains("(R result)")
					.contains("(R result, TaskContext ctx)")
					.contains("(TaskResult<?> result)");
			});
	}

	@Test
	void onFinishNamingAnUnknownTaskFailsStartupListingTaskNames() {
		this.runner.withBean("jobHandler", JobHandler.class, JobHandler::new)
			.withBean("typoListener", UnknownTaskListener.class, UnknownTaskListener::new)
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("bean 'typoListener'")
					.contains(UnknownTaskListener.class.getName() + ".done(TaskResult)")
					.contains("'jbo'")
					.contains("[Job]");
				assertThat(ex.getAction()).contains("Correct the name in @OnFinish").contains("'jbo'");
			});
	}

	@Test
	void onFinishForAResultTypeNoOnTaskMethodReturnsFailsStartupListingTheResultTypes() {
		this.runner.withBean("jobHandler", JobHandler.class, JobHandler::new)
			.withBean("countHandler", CountHandler.class, CountHandler::new)
			.withBean("nothingHandler", NothingHandler.class, NothingHandler::new)
			.withBean("orphanListener", OrphanListener.class, OrphanListener::new)
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("bean 'orphanListener'")
					.contains(OrphanListener.class.getName() + ".done(LocalDate)")
					.contains("takes a java.time.LocalDate, but no @OnTask method it listens to returns one")
					.contains("{Count=int, Job=java.lang.String, Void=void}");
				assertThat(ex.getAction()).contains("TaskResult<?>");
			});
	}

	@Test
	void onFinishByNameIsCheckedAgainstTheNamedTasksOnly() {
		this.runner.withBean("jobHandler", JobHandler.class, JobHandler::new)
			.withBean("countHandler", CountHandler.class, CountHandler::new)
			.withBean("namedListener", NamedIntegerListener.class, NamedIntegerListener::new)
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("bean 'namedListener'")
					.contains("takes a java.lang.Integer")
					.contains("{Job=java.lang.String}");
			});
	}

	@Test
	void onFinishOfAValueWhenEveryTaskIsVoidFailsStartup() {
		this.runner.withBean("nothingHandler", NothingHandler.class, NothingHandler::new)
			.withBean("objectListener", ObjectListener.class, ObjectListener::new)
			.run((context) -> assertThat(definitionFailure(context).getDescription())
				.contains("takes a java.lang.Object").contains("{Void=void}"));
	}

	@Test
	void onFinishWhoseTypeAResultCanBeEitherWayStarts() {
		// String for an Object result (it may be one), CharSequence for a String, Number for an int, Object,
		// TaskResult beside a void task
		this.runner.withBean("jobHandler", JobHandler.class, JobHandler::new)
			.withBean("countHandler", CountHandler.class, CountHandler::new)
			.withBean("nothingHandler", NothingHandler.class, NothingHandler::new)
			.withBean("anyHandler", AnyHandler.class, AnyHandler::new)
			.withBean("fittingListeners", FittingListeners.class, FittingListeners::new)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	// Names, parameters, results

	@Test
	void taskNameDefaultsToPayloadSimpleNameAndCanBeSet() {
		this.runner.withBean("jobHandler", JobHandler.class, JobHandler::new)
			.withBean("customHandler", CustomNameHandler.class, CustomNameHandler::new)
			.run((context) -> {
				TaskHandlerRegistry registry = context.getBean(TaskHandlerRegistry.class);
				assertThat(registry.taskNames()).containsExactly("Job", "custom", "square");
				assertThat(registry.handler("Job").payloadType()).isEqualTo(Job.class);
				assertThat(registry.handler("custom").payloadType()).isEqualTo(Order.class);
				TaskTemplate template = context.getBean(TaskTemplate.class);
				String byType = template.dispatchAndWait(new Order(7), WAIT);
				assertThat(byType).isEqualTo("custom 7");
				String byName = template.named("custom").dispatchAndWait(new Order(8), WAIT);
				assertThat(byName).isEqualTo("custom 8");
			});
	}

	@Test
	void taskContextMayComeBeforeOrAfterThePayload() {
		this.runner.withBean("contextFirst", ContextFirstHandler.class, ContextFirstHandler::new)
			.withBean("contextLast", ContextLastHandler.class, ContextLastHandler::new)
			.run((context) -> {
				TaskTemplate template = context.getBean(TaskTemplate.class);
				String first = template.dispatchAndWait(new Job("a"), WAIT);
				String last = template.dispatchAndWait(new Order(3), WAIT);
				assertThat(first).isEqualTo("Job:a");
				assertThat(last).isEqualTo("Order:3");
			});
	}

	@Test
	void voidHandlerHasNullResult() {
		this.runner.withBean("voidHandler", VoidHandler.class, VoidHandler::new).run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			TaskResult<Object> result = template.dispatchAllAndWait(java.util.List.of(new Job("x")), WAIT).get(0);
			assertThat(result.isSuccess()).isTrue();
			assertThat(result.value()).isNull();
			assertThat(context.getBean(VoidHandler.class).seen).hasValue(1);
		});
	}

	@Test
	void primitivePayloadIsBoxedAndDispatchedByName() {
		this.runner.withBean("customHandler", CustomNameHandler.class, CustomNameHandler::new).run((context) -> {
			TaskTemplate template = context.getBean(TaskTemplate.class);
			assertThat(context.getBean(TaskHandlerRegistry.class).handler("square").payloadType())
				.isEqualTo(Integer.class);
			Integer squared = template.named("square").dispatchAndWait(12, WAIT);
			assertThat(squared).isEqualTo(144);
			Integer byType = template.dispatchAndWait(5, WAIT);
			assertThat(byType).isEqualTo(25);
		});
	}

	@Test
	void staticHandlerMethodIsSupported() {
		this.runner.withBean("staticHandler", StaticHandler.class, StaticHandler::new).run((context) -> {
			String result = context.getBean(TaskTemplate.class).dispatchAndWait(new Job("s"), WAIT);
			assertThat(result).isEqualTo("static s");
		});
	}

	// Lazy and proxied beans

	@Test
	void lazyHandlerBeanIsCreatedOnItsFirstTask() {
		this.runner
			.withBean("lazyHandler", JobHandler.class, JobHandler::new, (definition) -> definition.setLazyInit(true))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanFactory().containsSingleton("lazyHandler")).isFalse();
				assertThat(context.getBean(TaskHandlerRegistry.class).taskNames()).containsExactly("Job");
				String result = context.getBean(TaskTemplate.class).dispatchAndWait(new Job("lazy"), WAIT);
				assertThat(result).isEqualTo("handled lazy");
				assertThat(context.getBeanFactory().containsSingleton("lazyHandler")).isTrue();
			});
	}

	@Test
	void cglibProxiedHandlerAndListenerRunThroughTheProxy() {
		this.runner.withBean("counting", CountingProxies.class, () -> new CountingProxies(true))
			.withBean("greeter", ListeningGreeterHandler.class, ListeningGreeterHandler::new)
			.run((context) -> {
				Object bean = context.getBean("greeter");
				assertThat(AopUtils.isCglibProxy(bean)).isTrue();
				CountingProxies proxies = context.getBean(CountingProxies.class);
				TaskTemplate template = context.getBean(TaskTemplate.class);
				String result = template.dispatchAndWait(new Job("cglib"), WAIT);
				assertThat(result).isEqualTo("hi cglib");
				assertThat(proxies.calls).containsEntry("greet", 1);
				template.dispatch(new Job("listened"));
				org.awaitility.Awaitility.await()
					.atMost(WAIT)
					.untilAsserted(() -> assertThat(proxies.calls).containsEntry("greeted", 1));
				assertThat(proxies.calls).containsEntry("greet", 2);
				assertThat(((ListeningGreeterHandler) bean).greetings()).containsExactly("hi listened");
			});
	}

	@Test
	void jdkProxiedHandlerFromABeanPostProcessorRunsThroughTheProxy() {
		this.runner.withBean("counting", CountingProxies.class, () -> new CountingProxies(false))
			.withBean("greeter", GreeterHandler.class, GreeterHandler::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Object bean = context.getBean("greeter");
				assertThat(AopUtils.isJdkDynamicProxy(bean)).isTrue();
				CountingProxies proxies = context.getBean(CountingProxies.class);
				String result = context.getBean(TaskTemplate.class).dispatchAndWait(new Job("jdk"), WAIT);
				assertThat(result).isEqualTo("hi jdk");
				assertThat(proxies.calls).containsEntry("greet", 1);
			});
	}

	@Test
	void jdkProxiedHandlerFromAnAutoProxyCreatorRunsThroughTheProxy() {
		this.runner.withBean("autoProxy", BeanNameAutoProxyCreator.class, TaskHandlerMethodProcessorTests::jdkAutoProxy)
			.withBean("countingInterceptor", CountingInterceptor.class, CountingInterceptor::new)
			.withBean("greeter", GreeterHandler.class, GreeterHandler::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(AopUtils.isJdkDynamicProxy(context.getBean("greeter"))).isTrue();
				CountingInterceptor interceptor = context.getBean(CountingInterceptor.class);
				String result = context.getBean(TaskTemplate.class).dispatchAndWait(new Job("auto"), WAIT);
				assertThat(result).isEqualTo("hi auto");
				assertThat(interceptor.calls).hasValue(1);
			});
	}

	@Test
	void jdkProxiedHandlerWhoseMethodIsNotOnAnInterfaceFailsStartup() {
		this.runner.withBean("autoProxy", BeanNameAutoProxyCreator.class, TaskHandlerMethodProcessorTests::jdkAutoProxy)
			.withBean("countingInterceptor", CountingInterceptor.class, CountingInterceptor::new)
			.withBean("greeter", ClassOnlyGreeterHandler.class, ClassOnlyGreeterHandler::new)
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("bean 'greeter'")
					.contains(ClassOnlyGreeterHandler.class.getName() + ".shout(Job)")
					.contains("JDK proxy")
					.doesNotContain("..");
				assertThat(ex.getAction()).contains("interface").contains("proxy-target-class");
			});
	}

	@Test
	void jdkProxyFromABeanPostProcessorWhoseMethodIsNotOnAnInterfaceFailsStartup() {
		this.runner.withBean("counting", CountingProxies.class, () -> new CountingProxies(false))
			.withBean("greeter", ClassOnlyGreeterHandler.class, ClassOnlyGreeterHandler::new)
			.run((context) -> {
				TaskHandlerDefinitionException ex = definitionFailure(context);
				assertThat(ex.getDescription()).contains("bean 'greeter'")
					.contains(ClassOnlyGreeterHandler.class.getName() + ".shout(Job)")
					.contains("JDK proxy")
					.doesNotContain("..");
				assertThat(ex.getAction()).contains("interface").contains("proxy-target-class");
			});
	}

	private static BeanNameAutoProxyCreator jdkAutoProxy() {
		BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
		creator.setBeanNames("greeter");
		creator.setInterceptorNames("countingInterceptor");
		creator.setProxyTargetClass(false);
		return creator;
	}

	private static TaskHandlerDefinitionException definitionFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable ex = context.getStartupFailure();
		while (ex != null && !(ex instanceof TaskHandlerDefinitionException)) {
			ex = ex.getCause();
		}
		assertThat(ex).as("TaskHandlerDefinitionException in the cause chain of %s", context.getStartupFailure())
			.isNotNull();
		assertThat(ex.getMessage()).contains(((TaskHandlerDefinitionException) ex).getDescription())
			.contains(((TaskHandlerDefinitionException) ex).getAction());
		return (TaskHandlerDefinitionException) ex;
	}

	// Payloads and beans

	record Job(String name) {
	}

	record Order(int number) {
	}

	static class JobHandler {

		@OnTask
		String handle(Job job) {
			return "handled " + job.name();
		}

	}

	static class OtherJobHandler {

		@OnTask
		String other(Job job) {
			return "other " + job.name();
		}

	}

	static class NoPayloadHandler {

		@OnTask("nothing")
		String handle() {
			return "nothing";
		}

	}

	static class ContextOnlyHandler {

		@OnTask("nothing")
		String handle(TaskContext ctx) {
			return "nothing";
		}

	}

	static class TwoPayloadsHandler {

		@OnTask
		String handle(Job job, String extra, TaskContext ctx) {
			return extra;
		}

	}

	static class TwoContextsHandler {

		@OnTask
		String handle(TaskContext first, Job job, TaskContext second) {
			return job.name();
		}

	}

	static class NoArgListener {

		@OnFinish
		void done() {
		}

	}

	static class ContextOnlyListener {

		@OnFinish
		void done(TaskContext ctx) {
		}

	}

	static class TwoValuesListener {

		@OnFinish
		void done(String value, Integer other) {
		}

	}

	static class ResultAndContextListener {

		@OnFinish
		void done(TaskResult<?> result, TaskContext ctx) {
		}

	}

	static class ThreeParamsListener {

		@OnFinish
		void done(String value, TaskContext ctx, String other) {
		}

	}

	record Count(int n) {
	}

	record Nothing() {
	}

	record Anything() {
	}

	static class CountHandler {

		@OnTask
		int count(Count count) {
			return count.n();
		}

	}

	static class NothingHandler {

		@OnTask("Void")
		void nothing(Nothing nothing) {
		}

	}

	static class AnyHandler {

		@OnTask
		Object any(Anything anything) {
			return "any";
		}

	}

	static class OrphanListener {

		@OnFinish
		void done(java.time.LocalDate date) {
		}

	}

	static class NamedIntegerListener {

		@OnFinish("Job")
		void done(Integer value) {
		}

	}

	static class ObjectListener {

		@OnFinish
		void done(Object value) {
		}

	}

	static class FittingListeners {

		@OnFinish("Anything")
		void string(String value) {
		}

		@OnFinish
		void charSequence(CharSequence value, TaskContext ctx) {
		}

		@OnFinish
		void number(Number value) {
		}

		@OnFinish
		void object(Object value) {
		}

		@OnFinish("Void")
		void result(TaskResult<?> result) {
		}

	}

	static class UnknownTaskListener {

		@OnFinish("jbo")
		void done(TaskResult<?> result) {
		}

	}

	static class CustomNameHandler {

		@OnTask("custom")
		String order(Order order) {
			return "custom " + order.number();
		}

		@OnTask("square")
		int square(int x) {
			return x * x;
		}

	}

	static class ContextFirstHandler {

		@OnTask
		String handle(TaskContext ctx, Job job) {
			return ctx.taskName() + ":" + job.name();
		}

	}

	static class ContextLastHandler {

		@OnTask
		String handle(Order order, TaskContext ctx) {
			return ctx.taskName() + ":" + order.number();
		}

	}

	static class VoidHandler {

		final AtomicInteger seen = new AtomicInteger();

		@OnTask
		void handle(Job job) {
			this.seen.incrementAndGet();
		}

	}

	static class StaticHandler {

		@OnTask
		static String handle(Job job) {
			return "static " + job.name();
		}

	}

	interface Greeter {

		String greet(Job job);

	}

	static class GreeterHandler implements Greeter {

		@Override
		@OnTask
		public String greet(Job job) {
			return "hi " + job.name();
		}

	}

	/** Not on an interface: only a CGLIB proxy can call {@code greeted}. */
	static class ListeningGreeterHandler extends GreeterHandler {

		private final java.util.List<String> greeted = new java.util.concurrent.CopyOnWriteArrayList<>();

		@OnFinish
		public void greeted(String greeting) {
			this.greeted.add(greeting);
		}

		public java.util.List<String> greetings() {
			return this.greeted;
		}

	}

	static class ClassOnlyGreeterHandler implements Greeter {

		@Override
		public String greet(Job job) {
			return "hi " + job.name();
		}

		@OnTask("shout")
		public String shout(Job job) {
			return "HI " + job.name();
		}

	}

	/** Wraps the bean named "greeter" in a proxy that counts calls per method name. */
	static class CountingProxies implements BeanPostProcessor {

		final Map<String, Integer> calls = new java.util.concurrent.ConcurrentHashMap<>();

		private final boolean proxyTargetClass;

		CountingProxies(boolean proxyTargetClass) {
			this.proxyTargetClass = proxyTargetClass;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (!"greeter".equals(beanName)) {
				return bean;
			}
			ProxyFactory factory = new ProxyFactory(bean);
			factory.setProxyTargetClass(this.proxyTargetClass);
			factory.addAdvice((MethodInterceptor) (invocation) -> {
				this.calls.merge(invocation.getMethod().getName(), 1, Integer::sum);
				return invocation.proceed();
			});
			return factory.getProxy();
		}

	}

	static class CountingInterceptor implements MethodInterceptor {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public Object invoke(org.aopalliance.intercept.MethodInvocation invocation) throws Throwable {
			this.calls.incrementAndGet();
			return invocation.proceed();
		}

	}

}
