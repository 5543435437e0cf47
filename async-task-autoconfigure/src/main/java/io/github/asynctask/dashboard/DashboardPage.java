package io.github.asynctask.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.StreamUtils;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.util.HtmlUtils;

/**
 * The dashboard's HTML page: the page shipped in the jar ({@value #LOCATION}{@code index.html}) with what its script
 * needs in {@code <meta>} tags: where its assets and the {@code asynctask} endpoint are, whether the endpoint's write
 * operations are open, and the CSRF token of the request when the application's Spring Security made one (request
 * attribute {@code _csrf}), so that the buttons work behind the application's own {@code SecurityFilterChain}. The
 * page adds no login of its own: it is served to whoever the application lets reach its path.
 * <p>
 * Threading: stateless after construction; serves any number of requests at once.
 */
public class DashboardPage implements HttpRequestHandler {

	/** Where the page and its assets are in the jar. */
	public static final String LOCATION = "META-INF/async-task/dashboard/";

	private static final String CSRF_ATTRIBUTE = "_csrf";

	private final String template;

	private final String path;

	private final String endpointPath;

	private final boolean writable;

	/**
	 * @param path where the page is served, e.g. {@code /async-task}; its assets are under {@code <path>/assets/}
	 * @param endpointPath where the {@code asynctask} endpoint is, e.g. {@code /actuator/asynctask}
	 * @param writable whether the endpoint's write operations are open (its access is unrestricted)
	 */
	public DashboardPage(String path, String endpointPath, boolean writable) {
		this.template = read(LOCATION + "index.html");
		this.path = path;
		this.endpointPath = endpointPath;
		this.writable = writable;
	}

	private static String read(String location) {
		try (InputStream in = new ClassPathResource(location, DashboardPage.class.getClassLoader()).getInputStream()) {
			return StreamUtils.copyToString(in, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The dashboard page " + location + " is missing from the jar", ex);
		}
	}

	@Override
	public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String context = request.getContextPath();
		String csrfToken = "";
		String csrfHeader = "";
		Object csrf = request.getAttribute(CSRF_ATTRIBUTE);
		if (csrf != null) {
			BeanWrapperImpl token = new BeanWrapperImpl(csrf);
			csrfToken = text(token, "token");
			csrfHeader = text(token, "headerName");
		}
		String html = this.template.replace("{{assets}}", escape(context + this.path + "/assets"))
			.replace("{{endpoint}}", escape(context + this.endpointPath))
			.replace("{{writable}}", Boolean.toString(this.writable))
			.replace("{{csrfToken}}", escape(csrfToken))
			.replace("{{csrfHeader}}", escape(csrfHeader));
		response.setContentType("text/html;charset=UTF-8");
		response.setHeader("Cache-Control", "no-store");
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(BeanWrapperImpl bean, String property) {
		if (!bean.isReadableProperty(property)) {
			return "";
		}
		@Nullable Object value = bean.getPropertyValue(property);
		return (value != null) ? value.toString() : "";
	}

	private static String escape(String text) {
		return HtmlUtils.htmlEscape(text, "UTF-8");
	}

}
