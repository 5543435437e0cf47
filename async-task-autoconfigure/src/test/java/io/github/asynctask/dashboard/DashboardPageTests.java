package io.github.asynctask.dashboard;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DashboardPage}: the page carries the context path, the endpoint's path, its write access and the request's
 * CSRF token (as Spring Security's {@code _csrf} request attribute holds it), escaped.
 */
class DashboardPageTests {

	@Test
	void carriesTheCsrfTokenOfTheRequest() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/shop/async-task");
		request.setContextPath("/shop");
		request.setAttribute("_csrf", new Token("X-CSRF-TOKEN", "abc\"<123"));
		String html = render(new DashboardPage("/async-task", "/actuator/asynctask", true), request);
		assertThat(html).contains("<meta name=\"_csrf\" content=\"abc&quot;&lt;123\">")
			.contains("<meta name=\"_csrf_header\" content=\"X-CSRF-TOKEN\">")
			.contains("<meta name=\"async-task-endpoint\" content=\"/shop/actuator/asynctask\">")
			.contains("<meta name=\"async-task-writable\" content=\"true\">")
			.contains("src=\"/shop/async-task/assets/dashboard.js\"")
			.doesNotContain("{{");
	}

	@Test
	void emptyCsrfMetaWithoutSpringSecurity() throws Exception {
		String html = render(new DashboardPage("/async-task", "/actuator/asynctask", false),
				new MockHttpServletRequest("GET", "/async-task"));
		assertThat(html).contains("<meta name=\"_csrf\" content=\"\">")
			.contains("<meta name=\"async-task-writable\" content=\"false\">");
	}

	private static String render(DashboardPage page, MockHttpServletRequest request) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		page.handleRequest(request, response);
		assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
		return response.getContentAsString();
	}

	/** Shaped as Spring Security's CsrfToken. */
	public record Token(String headerName, String token) {

		public String getHeaderName() {
			return this.headerName;
		}

		public String getToken() {
			return this.token;
		}

	}

}
