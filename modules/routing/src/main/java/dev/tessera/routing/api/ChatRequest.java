package dev.tessera.routing.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A provider-neutral chat completion request, the OpenAI request body as a record. Optional
 * sampling settings are {@code null} when the caller left them to the provider's default.
 */
public record ChatRequest(
    String model,
    List<ChatMessage> messages,
    List<ToolDefinition> tools,
    ToolChoice toolChoice,
    ResponseFormat responseFormat,
    Double temperature,
    Double topP,
    Integer maxTokens,
    List<String> stop,
    Long seed,
    String user,
    Integer n,
    boolean stream,
    boolean includeUsage) {

  public ChatRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    tools = tools == null ? List.of() : List.copyOf(tools);
    stop = stop == null ? List.of() : List.copyOf(stop);
    responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
  }

  public static Builder builder(String model) {
    return new Builder(model);
  }

  /** A copy with a different model name, e.g. the upstream deployment's. */
  public ChatRequest withModel(String newModel) {
    return new ChatRequest(
        newModel,
        messages,
        tools,
        toolChoice,
        responseFormat,
        temperature,
        topP,
        maxTokens,
        stop,
        seed,
        user,
        n,
        stream,
        includeUsage);
  }

  /** Fluent construction; only the model and at least one message are needed. */
  public static final class Builder {
    private final String model;
    private final List<ChatMessage> messages = new ArrayList<>();
    private final List<ToolDefinition> tools = new ArrayList<>();
    private ToolChoice toolChoice;
    private ResponseFormat responseFormat;
    private Double temperature;
    private Double topP;
    private Integer maxTokens;
    private List<String> stop;
    private Long seed;
    private String user;
    private Integer n;
    private boolean stream;
    private boolean includeUsage;

    private Builder(String model) {
      this.model = model;
    }

    public Builder message(ChatMessage message) {
      messages.add(message);
      return this;
    }

    public Builder messages(List<ChatMessage> all) {
      messages.addAll(all);
      return this;
    }

    public Builder tool(ToolDefinition tool) {
      tools.add(tool);
      return this;
    }

    public Builder toolChoice(ToolChoice value) {
      toolChoice = value;
      return this;
    }

    public Builder responseFormat(ResponseFormat value) {
      responseFormat = value;
      return this;
    }

    public Builder temperature(Double value) {
      temperature = value;
      return this;
    }

    public Builder topP(Double value) {
      topP = value;
      return this;
    }

    public Builder maxTokens(Integer value) {
      maxTokens = value;
      return this;
    }

    public Builder stop(List<String> value) {
      stop = value;
      return this;
    }

    public Builder seed(Long value) {
      seed = value;
      return this;
    }

    public Builder user(String value) {
      user = value;
      return this;
    }

    public Builder n(Integer value) {
      n = value;
      return this;
    }

    /** Marks the request as streaming; {@code includeUsage} asks for a final usage chunk. */
    public Builder stream(boolean value, boolean withUsage) {
      stream = value;
      includeUsage = withUsage;
      return this;
    }

    public ChatRequest build() {
      return new ChatRequest(
          model,
          messages,
          tools,
          toolChoice,
          responseFormat,
          temperature,
          topP,
          maxTokens,
          stop,
          seed,
          user,
          n,
          stream,
          includeUsage);
    }
  }
}
