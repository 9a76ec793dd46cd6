package dev.tessera.web.openai;

import dev.tessera.routing.api.BatchView;
import dev.tessera.routing.api.Batches;
import dev.tessera.routing.api.NewBatch;
import dev.tessera.routing.codec.BatchJson;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.KeyPrincipal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code /v1/batches}: submit many chat requests at once (202 with the job), poll the job, list,
 * cancel, and read the results as JSONL in OpenAI's batch output shape.
 */
@Path("batches")
@ApplicationScoped
public class BatchesResource {
  @Inject Inference inference;
  @Inject Batches batches;

  /**
   * A JSON object with the lines inline ({@code requests}), or a JSONL body of OpenAI batch input
   * lines ({@code Content-Type: application/jsonl}; the webhook then as {@code ?webhook_url=}).
   */
  @POST
  public Response create(
      String body,
      @HeaderParam("Content-Type") String contentType,
      @QueryParam("webhook_url") String webhookUrl) {
    KeyPrincipal key = inference.requireInferenceKey();
    NewBatch batch;
    if (jsonl(contentType)) {
      batch = BatchRequests.fromJsonl(body, webhookUrl);
    } else {
      if (webhookUrl != null) {
        throw InvalidInputException.field("webhook_url", "goes in the body of a JSON submission");
      }
      batch = BatchRequests.fromObject(Inference.parse(body));
    }
    BatchView job = batches.submit(key, batch);
    return Response.accepted(BatchJson.batch(job).toString())
        .type("application/json")
        .location(URI.create("/v1/batches/" + job.id()))
        .header("x-request-id", inference.requestId())
        .build();
  }

  @GET
  public Response list(@QueryParam("after") String after, @QueryParam("limit") Integer limit) {
    KeyPrincipal key = inference.requireInferenceKey();
    if (limit != null && (limit < 1 || limit > 100)) {
      throw InvalidInputException.field("limit", "must be between 1 and 100");
    }
    return json(
        BatchJson.list(batches.list(key.tenant(), after, limit == null ? 20 : limit)).toString());
  }

  @GET
  @Path("{id}")
  public Response get(@PathParam("id") String id) {
    KeyPrincipal key = inference.requireInferenceKey();
    return json(BatchJson.batch(batches.get(key.tenant(), id)).toString());
  }

  @POST
  @Path("{id}/cancel")
  public Response cancel(@PathParam("id") String id) {
    KeyPrincipal key = inference.requireInferenceKey();
    return json(BatchJson.batch(batches.cancel(key.tenant(), id)).toString());
  }

  /** The answered lines so far, one JSON object per line, streamed page by page. */
  @GET
  @Path("{id}/results")
  public Response results(@PathParam("id") String id) {
    KeyPrincipal key = inference.requireInferenceKey();
    BatchView job = batches.get(key.tenant(), id); // 404 while a status can still be sent
    StreamingOutput out =
        stream -> {
          BufferedWriter w =
              new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
          try {
            batches.results(
                key.tenant(),
                job.id(),
                r -> {
                  try {
                    w.write(BatchJson.resultLine(job.id(), r).toString());
                    w.write('\n');
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
          } catch (UncheckedIOException clientGone) {
            throw clientGone.getCause();
          }
          w.flush();
        };
    return Response.ok(out, "application/jsonl")
        .header("x-tessera-batch-status", job.status())
        .build();
  }

  private static boolean jsonl(String contentType) {
    String t = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    return t.startsWith("application/jsonl")
        || t.startsWith("application/x-ndjson")
        || t.startsWith("application/x-jsonlines");
  }

  private static Response json(String body) {
    return Response.ok(body, "application/json").build();
  }
}
