package dev.tessera.governance.internal.safety.pii;

/** One recognised value: where it is in the text, its kind and how sure the recognizer is. */
public record Finding(int start, int end, String type, double score) {
  int length() {
    return end - start;
  }
}
