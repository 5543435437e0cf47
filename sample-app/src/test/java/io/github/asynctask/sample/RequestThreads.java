package io.github.asynctask.sample;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records the name of every thread that served an HTTP request, so a test can check that none of them sent
 * an email.
 */
@TestConfiguration(proxyBeanMethods = false)
public class RequestThreads extends OncePerRequestFilter {

	private final Set<String> names = ConcurrentHashMap.newKeySet();

	public Set<String> names() {
		return this.names;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		this.names.add(Thread.currentThread().getName());
		chain.doFilter(request, response);
	}

}
