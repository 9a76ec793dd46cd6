package dev.tessera.web.platform;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses bodies over TESSERA_HTTP_MAX_BODY_BYTES (default 1 MiB) with 413: up front when the
 * length is declared, while reading when it is not (chunked), before anything is parsed.
 */
@Provider
@PreMatching
public class BodyLimit implements ContainerRequestFilter {
  @Inject
  @ConfigProperty(name = "tessera.http.max-body-bytes", defaultValue = "1048576")
  long maxBytes;

  /** Document uploads (/v1/retrieval/.../documents) have their own, larger limit. */
  @Inject
  @ConfigProperty(name = "tessera.retrieval.max-document-bytes", defaultValue = "16777216")
  long maxDocumentBytes;

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath().replaceFirst("^/", "");
    // a JSON upload carries the file as base64 (4/3 of it) plus a little JSON around it
    long maxBytes =
        path.startsWith("retrieval/knowledge_bases/") && path.contains("/documents")
            ? maxDocumentBytes / 3 * 4 + 65536
            : this.maxBytes;
    if (request.getLength() > maxBytes) {
      throw new PayloadTooLargeException(maxBytes);
    }
    if (request.hasEntity()) {
      request.setEntityStream(new Limited(request.getEntityStream(), maxBytes));
    }
  }

  private static final class Limited extends FilterInputStream {
    private final long max;
    private long read;

    Limited(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > max) {
        throw new PayloadTooLargeException(max);
      }
    }
  }
}
