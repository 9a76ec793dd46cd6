/**
 * Asynchronous batch jobs: validation, the durable queue in the shared database (claimed with
 * {@code FOR UPDATE SKIP LOCKED}, leased, retried with backoff, dead-lettered), the job content in
 * each tenant's own tables, the workers that run lines on the batch lane, and webhooks.
 */
package dev.tessera.routing.internal.batches;
