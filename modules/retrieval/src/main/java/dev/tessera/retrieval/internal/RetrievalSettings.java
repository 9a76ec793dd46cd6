package dev.tessera.retrieval.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Retrieval's settings (TESSERA_RETRIEVAL_*), documented in the README. */
@ApplicationScoped
class RetrievalSettings {
  @Inject
  @ConfigProperty(name = "tessera.data-dir", defaultValue = "./data")
  String dataDir;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.index-dir")
  java.util.Optional<String> indexDir;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.max-document-bytes", defaultValue = "16777216")
  long maxDocumentBytes;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.max-chunks-per-document", defaultValue = "20000")
  int maxChunks;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.workers", defaultValue = "1")
  int workers;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.max-attempts", defaultValue = "3")
  int maxAttempts;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.lease", defaultValue = "PT1M")
  Duration lease;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.poll-interval", defaultValue = "PT0.5S")
  Duration pollInterval;

  @Inject
  @ConfigProperty(name = "tessera.retrieval.min-evidence", defaultValue = "0.35")
  double minEvidence;

  // read through methods: callers hold a CDI proxy, whose own fields are never set
  long maxDocumentBytes() {
    return maxDocumentBytes;
  }

  int maxChunks() {
    return maxChunks;
  }

  int workers() {
    return workers;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  Duration lease() {
    return lease;
  }

  Duration pollInterval() {
    return pollInterval;
  }

  double minEvidence() {
    return minEvidence;
  }

  Path indexRoot() {
    return indexDir
        .filter(d -> !d.isBlank())
        .map(Path::of)
        .orElse(Path.of(dataDir, "retrieval-index"));
  }
}
