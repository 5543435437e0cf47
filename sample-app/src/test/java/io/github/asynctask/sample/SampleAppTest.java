package io.github.asynctask.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

/**
 * The whole app on a random HTTP port with its embedded SMTP server on a free port, 4 task workers and every send
 * slowed by 20 ms. One shared setup, so every test class using it shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "async-task.task-worker-num=4", "sample.mail.send-delay=20ms", "sample.mail.embedded.port=0",
				"sample.newsletter.max-recipients=1000" })
@AutoConfigureTestRestTemplate
@Import(RequestThreads.class)
public @interface SampleAppTest {

}
