package io.github.asynctask.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's page and its favicon, served by the real web server.
 */
@SampleAppTest
class SamplePageTests {

	@Autowired
	private TestRestTemplate http;

	@Test
	void thePageLinksAFaviconThatIsServed() {
		String page = this.http.getForObject("/", String.class);
		assertThat(page).contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">");

		ResponseEntity<String> favicon = this.http.getForEntity("/favicon.svg", String.class);
		assertThat(favicon.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(favicon.getHeaders().getContentType()).isEqualTo(MediaType.valueOf("image/svg+xml"));
		assertThat(favicon.getBody()).startsWith("<svg");
	}

}
