package dev.tessera.governance.api;

/**
 * Champion–challenger for prompts: calls that name no label or version get the challenger label's
 * version for {@code challengerPercent} percent of requests (by request id), the champion's
 * otherwise.
 */
public record TrafficSplit(String champion, String challenger, int challengerPercent) {}
