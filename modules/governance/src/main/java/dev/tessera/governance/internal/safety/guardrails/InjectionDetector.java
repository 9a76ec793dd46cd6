package dev.tessera.governance.internal.safety.guardrails;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt-injection and jailbreak detection by weighted patterns over a normalised text: instruction
 * overrides, system-prompt extraction, role-play jailbreaks, forged chat delimiters, and for text
 * the caller passed along (documents, tool results) instructions addressed to the model. Encoded
 * payloads are decoded first: base64 runs, rot13, and Unicode tricks (compatibility forms,
 * zero-width characters, letters spelled out with spaces, digits for letters). A text scoring 1.0
 * or more is an injection. No model is involved, so it adds microseconds, not a call.
 */
public final class InjectionDetector {
  /** What the detector concluded: flagged or not, and which family of pattern decided. */
  public record Result(boolean injection, double score, String family) {
    static final Result CLEAN = new Result(false, 0, null);
  }

  /**
   * A pattern, its weight, and words it cannot match without: the pattern runs only on texts that
   * contain one of them (a plain substring search, far cheaper than the regex).
   */
  private record Rule(String family, Pattern pattern, double weight, String[] triggers) {
    Rule when(String... words) {
      return new Rule(family, pattern, weight, words);
    }

    boolean worthRunning(String norm) {
      for (String t : triggers) {
        if (norm.contains(t)) {
          return true;
        }
      }
      return triggers.length == 0;
    }
  }

  private static Rule rule(String family, double weight, String regex) {
    return new Rule(family, Pattern.compile(regex), weight, new String[0]);
  }

  private static final String IGNORE =
      "(?:ignore|disregard|forget|skip|drop|override|bypass|neglect|abandon|discard|set aside)";
  private static final String PRIOR =
      "(?:all |any |the |your |my |these |those |every )*(?:previous|prior|above|earlier|preceding|"
          + "former|original|initial|foregoing|old|existing|current|system|developer|safety|given)?";
  private static final String ORDERS =
      "(?:instructions?|prompts?|rules|directions|directives|guidelines|commands|orders|"
          + "constraints|restrictions|guardrails|programming|context|messages?|policies|policy|"
          + "filters?|limitations)";

  private static final String PERSONAS =
      "(?:dan|stan|aim|dude|betterdan|evilbot|evil bot|freegpt|libreai|anti-?gpt|jailbreakgpt|"
          + "devmode|developer mode gpt)";
  private static final String MODES =
      "(?:developer|god|dan|jailbreak|jailbroken|unfiltered|uncensored|opposite|evil|unrestricted|"
          + "no-?limits|dude|stan|aim)";
  private static final String FREE_OF =
      "(?:no|without|free (?:of|from)|zero|never follow|not bound by|unbound by|no longer bound by|"
          + "unrestricted by|beyond) (?:any |all |the |ethical |moral |content |safety )*"
          + "(?:restrictions?|rules|limits|limitations|filters?|guidelines|censorship|morals?|"
          + "ethics|boundaries|policies|constraints|refusals?|content polic\\w*|openai polic\\w*)";

  private static final Rule[] DIRECT = {
    rule("instruction_override", 1.0, "\\b" + IGNORE + " " + PRIOR + " ?" + ORDERS + "\\b")
        .when(
            "ignor",
            "disregard",
            "forget",
            "skip",
            "drop",
            "overrid",
            "bypass",
            "neglect",
            "abandon",
            "discard",
            "set aside"),
    rule(
            "instruction_override",
            1.0,
            "\\b(?:ignore|forget|disregard) (?:about )?(?:everything|all|anything|what) (?:(?:you "
                + "(?:were|have been|'ve been) )?(?:told|said|instructed|taught|asked)|(?:above|before|"
                + "prior|so far|previously))")
        .when("ignor", "forget", "disregard"),
    rule(
            "instruction_override",
            0.6,
            "\\b(?:new|updated|revised|real|actual|true) (?:system )?(?:instructions?|rules|orders|"
                + "directives?|task)\\s*(?::|are|is|follow)")
        .when("instruction", "rules", "orders", "directive", "task"),
    rule(
            "instruction_override",
            1.0,
            "\\b(?:your|the|previous|prior|all|earlier|safety|system) (?:\\w+ )?"
                + ORDERS
                + " (?:have been|has been|are|were|is) (?:now |hereby )?(?:updated|changed|cancell?ed|"
                + "void|revoked|lifted|removed|disabled|suspended|replaced|null|no longer valid)")
        .when(
            "updated",
            "changed",
            "cancel",
            "void",
            "revoked",
            "lifted",
            "removed",
            "disabled",
            "suspended",
            "replaced",
            "null",
            "no longer valid"),
    rule(
            "instruction_override",
            0.6,
            "\\b(?:from now on|from this point on|henceforth|starting now|for the rest of (?:this|the)"
                + " conversation),? (?:you|your|respond|answer|reply|act|only)")
        .when("from now on", "from this point on", "henceforth", "starting now", "for the rest of"),
    rule(
            "instruction_override",
            1.0,
            "\\b(?:do not|don't|never|stop) (?:follow|obey|apply|respect|listen to)(?:ing)? (?:your|"
                + "the system|the developer|the original|the previous|any previous|the above) (?:\\w+ )?"
                + ORDERS)
        .when("follow", "obey", "apply", "respect", "listen to"),
    rule(
            "instruction_override",
            1.0,
            "\\binstead of (?:the ones|the instructions|your instructions|what) you (?:were|have been) "
                + "(?:given|told)")
        .when("instead of"),
    rule(
            "instruction_override",
            0.5,
            "\\binstead,? (?:you (?:must|will|should)|do|say|print|output|respond|write|tell|reply|"
                + "answer|give|list)\\b")
        .when("instead"),
    rule(
            "prompt_extraction",
            1.0,
            "\\b(?:reveal|print|show|repeat|output|display|tell me|give me|dump|leak|list|spell out|"
                + "write out|echo|recite|share|expose|copy)\\b[^.?!\\n]{0,40}\\b(?:system prompt|"
                + "hidden (?:prompt|instructions)|initial (?:prompt|instructions)|original (?:prompt|"
                + "instructions)|(?:your|the) (?:instructions|rules|guidelines|prompt) (?:above|verbatim|"
                + "word for word)|(?:text|words|everything) above|pre-?prompt|developer message|"
                + "secret (?:instructions|prompt|key|password))")
        .when(
            "prompt",
            "hidden",
            "initial",
            "original",
            "above",
            "verbatim",
            "word for word",
            "developer message",
            "secret"),
    rule(
            "prompt_extraction",
            1.0,
            "\\b(?:write|translate|encode|summari[sz]e|paraphrase|rewrite)\\b[^.?!\\n]{0,20}\\byour "
                + "(?:system prompt|hidden instructions|initial instructions|instructions)")
        .when(
            "your system prompt",
            "your hidden instructions",
            "your initial instructions",
            "your instructions"),
    rule(
            "prompt_extraction",
            0.6,
            "\\bwhat (?:is|are|was|were|do) (?:your|the) (?:system prompt|initial instructions|"
                + "hidden instructions|original instructions|instructions you received)")
        .when(
            "system prompt",
            "initial instructions",
            "hidden instructions",
            "original instructions",
            "instructions you received"),
    rule("prompt_extraction", 0.4, "\\b(?:verbatim|word for word)\\b")
        .when("verbatim", "word for word"),
    rule(
            "exfiltration",
            0.5,
            "\\b(?:reveal|leak|share|dump|expose|send|give me|list)\\b (?:all |the |any |their |"
                + "your |other users' )*(?:confidential|internal|secret|private|hidden|personal|"
                + "password|passwords|credentials|api keys?)\\b")
        .when(
            "confidential",
            "internal",
            "secret",
            "private",
            "hidden",
            "personal",
            "password",
            "credentials",
            "api key"),
    rule(
            "role_play",
            0.5,
            "\\b(?:dan|do anything now|developer mode|jailbreak|jailbroken|"
                + "god ?mode|dude mode|evil ?(?:bot|confidant)|anti-?gpt|betterdan|unfiltered mode|"
                + "no-?limits mode)\\b")
        .when(
            "dan",
            "do anything now",
            "developer mode",
            "jailbr",
            "god",
            "dude mode",
            "evil",
            "anti",
            "betterdan",
            "unfiltered mode",
            "limits mode"),
    rule(
            "role_play",
            1.0,
            "\\b(?:enable|activate|enter|switch to|turn on|simulate|go into|you are in|you're in|now in)"
                + " (?:the )?"
                + MODES
                + " mode")
        .when("mode"),
    rule(
            "role_play",
            1.0,
            "\\b(?:pretend (?:to be|you are|you're)|act as|you are|you're|answer as|respond as|reply as|"
                + "roleplay as|role-?play as|become|you will be|play) (?:now |going to be )?(?:an? )?"
                + PERSONAS
                + "\\b")
        .when(
            "dan",
            "stan",
            "aim",
            "dude",
            "evil",
            "freegpt",
            "libreai",
            "gpt",
            "devmode",
            "developer mode"),
    rule(
            "role_play",
            1.0,
            "\\b(?:you are|you're|act as|pretend (?:to be|you are|you're)|roleplay as|role-?play as|"
                + "play the role of|become|behave like|simulate|imagine you are|answer as|respond as|"
                + "as an ai|be an ai)\\b[^.\\n]{0,120}\\b"
                + FREE_OF)
        .when(
            "restriction",
            "rules",
            "limit",
            "filter",
            "guideline",
            "censorship",
            "moral",
            "ethic",
            "boundaries",
            "polic",
            "constraint",
            "refusal"),
    rule(
            "role_play",
            1.0,
            "\\byou (?:have|had|would have|now have) no "
                + FREE_OF.substring(FREE_OF.indexOf("(?:any")))
        .when("you have no", "you had no", "you would have no", "you now have no"),
    rule(
            "role_play",
            1.0,
            "\\b(?:you are|you're|act as|pretend to be|become|you will be|be) (?:now )?(?:an? )?"
                + "(?:unrestricted|unfiltered|uncensored|amoral|unaligned|unethical|rogue|evil|"
                + "lawless|limitless|jailbroken|unbound)\\b")
        .when(
            "unrestricted",
            "unfiltered",
            "uncensored",
            "amoral",
            "unaligned",
            "unethical",
            "rogue",
            "evil",
            "lawless",
            "limitless",
            "jailbroken",
            "unbound"),
    rule(
            "role_play",
            0.6,
            "\\b(?:(?:not|never|no longer) (?:have to |need to )?(?:abide by|follow|obey) (?:any|the|"
                + "your) (?:\\w+ )?"
                + ORDERS
                + "|(?:broken|break|breaks) free|escaped (?:its|your) "
                + "(?:constraints|rules|limits))")
        .when("abide", "follow", "obey", "free", "escaped"),
    rule(
            "role_play",
            0.5,
            "\\b(?:you are now|you're now|from now on you are|you will now act|you will act as|"
                + "stay in character|never break character|opposite mode)\\b")
        .when(
            "you are now",
            "you're now",
            "from now on you are",
            "you will now act",
            "you will act as",
            "stay in character",
            "never break character",
            "opposite mode"),
    rule(
            "role_play",
            0.5,
            "\\b(?:without|no|free of|free from) (?:any |all )?(?:filters?|restrictions|censorship|"
                + "limitations|content polic\\w+|rules|refusals?)\\b|\\b(?:never refuse|refusals are not "
                + "allowed|do not refuse|don't refuse)")
        .when("filter", "restriction", "censorship", "limitation", "polic", "rules", "refus"),
    rule(
            "role_play",
            0.5,
            "\\b(?:hypothetical(?:ly)?|fictional|in a story|for a novel|in a movie|thought experiment)"
                + "\\b[^.\\n]{0,80}\\b(?:no (?:rules|restrictions|limits)|(?:how to|step[- ]by[- ]step)"
                + " (?:make|build|synthesi[sz]e|hack|steal))")
        .when(
            "hypothetical",
            "fictional",
            "in a story",
            "for a novel",
            "in a movie",
            "thought experiment"),
    rule(
            "harmful_request",
            0.5,
            "\\b(?:synthesi[sz]e|make|cook|build|steal|hack into)\\b[^.\\n]{0,20}\\b(?:meth|"
                + "explosives?|a bomb|nerve agent|weapons?|malware|ransomware|a car|a bank)\\b")
        .when(
            "meth",
            "explosive",
            "bomb",
            "nerve agent",
            "weapon",
            "malware",
            "ransomware",
            "a car",
            "a bank"),
    rule(
            "delimiter",
            1.0,
            "(?:<\\|im_start\\|>\\s*system|<\\|system\\|>|<\\|start_header_id\\|>\\s*system|"
                + "\\[system\\]\\s*:?|###\\s*(?:system|instruction)s?\\s*:?|</?system>|^\\s*system\\s*:|"
                + "\\n\\s*system\\s*:)")
        .when("system"),
    rule(
            "delimiter",
            0.6,
            "(?:<\\|im_start\\|>|<\\|im_end\\|>|<\\|endoftext\\|>|\\[/?inst\\]|<<sys>>)")
        .when("<|", "[inst]", "[/inst]", "<<sys>>"),
    rule(
            "safety_bypass",
            1.0,
            "\\b(?:disable|turn off|deactivate|switch off|remove|bypass|circumvent|get around|"
                + "ignore|evade)\\b (?:your|all|any|all of your|all your|these) (?:safety |content |"
                + "ethical |moral )?(?:filters?|guardrails|safeguards|safety (?:measures|protocols|"
                + "features|settings|filters)|moderation|censorship|restrictions|content moderation)")
        .when(
            "filter",
            "guardrail",
            "safeguard",
            "safety",
            "moderation",
            "censorship",
            "restriction"),
    rule(
            "safety_bypass",
            1.0,
            "\\b(?:override|disable|bypass) (?:the |your )?safety (?:settings|policy|filters|rules)")
        .when("safety"),
    rule(
            "instruction_override",
            1.0,
            "\\b(?:ignoriere|ignorieren sie|vergiss|vergessen sie|missachte) (?:alle |die |deine |"
                + "ihre )*(?:vorherigen |bisherigen |obigen |vorigen |bisherigen )?(?:anweisungen|"
                + "instruktionen|regeln|befehle|vorgaben)|\\bignore[zr]? (?:toutes )?(?:les |vos )?"
                + "(?:instructions|consignes|r\u00e8gles) (?:pr\u00e9c\u00e9dentes|ant\u00e9rieures|"
                + "ci-dessus)|\\b(?:ignora|ignore|olvida) (?:todas )?(?:las |tus )?(?:instrucciones|"
                + "reglas|indicaciones) (?:anteriores|previas)")
        .when("ignor", "vergiss", "vergessen", "missachte", "olvida"),
    rule(
            "encoded_payload",
            0.5,
            "\\b(?:decode|base64|rot13|rot-13|caesar|reverse the)\\b[^.\\n]{0,40}\\b(?:and|then) (?:follow|execute|do|obey|run)")
        .when("decode", "base64", "rot13", "rot-13", "caesar", "reverse the"),
  };

  /** Extra rules for third-party text: instructions addressed to the model reading it. */
  private static final Rule[] INDIRECT = {
    rule(
            "indirect_injection",
            1.0,
            "\\b(?:ai|assistant|chatbot|language model|llm|gpt|claude|model|agent|bot)s?\\b[^.\\n]{0,40}"
                + "\\b(?:ignore|disregard|must (?:now )?(?:instead|ignore|send|tell|say|reply|respond|"
                + "include|forward|output)|should (?:instead|now)|are instructed|new task|please "
                + "(?:instead|ignore|forward|send))\\b")
        .when("ignor", "disregard", "must", "should", "instructed", "new task", "please"),
    rule(
            "indirect_injection",
            1.0,
            "\\b(?:if|when|while) (?:you are|you're|an?) (?:an? )?(?:ai|assistant|language model|llm|"
                + "chatbot|bot|model)\\b[^.\\n]{0,80}\\b(?:ignore|tell|say|send|reply|respond|include|"
                + "recommend|output|write|forward|insert)")
        .when("if ", "when ", "while "),
    rule(
            "indirect_injection",
            1.0,
            "\\b(?:when|after|while) (?:you |the assistant )?(?:read(?:s|ing)?|summari[sz](?:e|es|ing)|"
                + "process(?:es|ing)?|see(?:s|ing)?|translat(?:e|es|ing)) (?:this|these|the following)\\b"
                + "[^.\\n]{0,80}\\b(?:must|should|will|instead|ignore|send|tell|say|include)")
        .when("read", "summari", "process", "see", "translat"),
    rule(
            "indirect_injection",
            1.0,
            "\\b(?:send|forward|post|upload|exfiltrate|transmit|email|leak)\\b[^.\\n]{0,60}\\b"
                + "(?:conversation|chat history|user'?s? (?:data|messages|emails?|password|credentials|"
                + "details)|api keys?|secrets?|credentials|system prompt)\\b[^.\\n]{0,40}"
                + "(?:https?://|to (?:this|the following|an?) (?:url|address|endpoint|server))")
        .when("http", "url", "address", "endpoint", "server"),
    rule(
            "indirect_injection",
            0.6,
            "(?:!\\[[^\\]]*\\]\\(https?://[^)]*(?:\\?|&)(?:q|data|d|c|p)=|<img [^>]*src=[\"']?https?://"
                + "[^\"' >]*\\?)")
        .when("![", "<img"),
    rule(
            "indirect_injection",
            0.6,
            "\\b(?:important|attention|note to|message to|urgent)\\b[^.\\n]{0,10}\\b(?:ai|assistant|"
                + "model|llm|chatbot|agent)s?\\b")
        .when("important", "attention", "note to", "message to", "urgent"),
  };

  private static final Pattern ROT13_HINT =
      Pattern.compile(
          "\\b(?:vtaber|qvfertneq|vafgehpgvbaf|flfgrz|cebzcg|wnvyoernx|sbetrg|cerivbhf)\\b");
  private static final String[] ROT13_WORDS = {
    "vtaber", "qvfertneq", "vafgehpgvbaf", "flfgrz", "cebzcg", "wnvyoernx", "sbetrg", "cerivbhf"
  };
  private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{20,}={0,2}");
  private static final Pattern SPELLED = Pattern.compile("\\b(?:\\p{L}[ .\\-_*]){4,}\\p{L}\\b");

  /**
   * Scores {@code text}; {@code thirdParty}: a document or tool result rather than the caller's.
   */
  public Result check(String text, boolean thirdParty) {
    if (text == null || text.length() < 8) {
      return Result.CLEAN;
    }
    String norm = normalise(text);
    Result r = score(norm, thirdParty);
    if (r.injection()) {
      return r;
    }
    if (containsAny(norm, ROT13_WORDS) && ROT13_HINT.matcher(norm).find()) {
      Result decoded = score(rot13(norm), thirdParty);
      if (decoded.injection()) {
        return new Result(true, decoded.score(), "encoded_payload");
      }
    }
    Matcher b64 = BASE64_RUN.matcher(text);
    while (longRun(text) && b64.find()) {
      String decoded = base64Text(b64.group());
      if (decoded != null) {
        Result inner = score(normalise(decoded), thirdParty);
        if (inner.injection()) {
          return new Result(true, inner.score(), "encoded_payload");
        }
      }
    }
    return r;
  }

  private static boolean containsAny(String text, String[] words) {
    for (String w : words) {
      if (text.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /** A run of 20 or more base64 characters somewhere in the text. */
  private static boolean longRun(String text) {
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '+'
          || c == '/') {
        if (++run >= 20) {
          return true;
        }
      } else {
        run = 0;
      }
    }
    return false;
  }

  private static Result score(String norm, boolean thirdParty) {
    double total = 0;
    String family = null;
    double best = 0;
    for (Rule rule : DIRECT) {
      if (rule.worthRunning(norm) && rule.pattern().matcher(norm).find()) {
        total += rule.weight();
        if (rule.weight() > best) {
          best = rule.weight();
          family = rule.family();
        }
      }
    }
    if (thirdParty) {
      for (Rule rule : INDIRECT) {
        if (rule.worthRunning(norm) && rule.pattern().matcher(norm).find()) {
          total += rule.weight();
          if (rule.weight() > best) {
            best = rule.weight();
            family = rule.family();
          }
        }
      }
    }
    return total >= 1.0 ? new Result(true, total, family) : new Result(false, total, family);
  }

  /**
   * Lower case; compatibility forms folded (fullwidth and styled letters, NFKC); zero-width and
   * soft-hyphen characters dropped; common homoglyphs and digits-for-letters inside words mapped;
   * letters spelled out with separators ("i g n o r e") joined; whitespace collapsed.
   */
  static String normalise(String text) {
    String s = text;
    boolean ascii = true;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      s = Normalizer.normalize(s, Normalizer.Form.NFKC);
    }
    s = s.toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(s.length());
    char prev = ' ';
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad' -> {
          continue;
        }
        case '\u0430' -> c = 'a'; // Cyrillic look-alikes
        case '\u0435' -> c = 'e';
        case '\u043e' -> c = 'o';
        case '\u0440' -> c = 'p';
        case '\u0441' -> c = 'c';
        case '\u0443' -> c = 'y';
        case '\u0445' -> c = 'x';
        case '\u0456' -> c = 'i';
        case '\u2019', '\u2018' -> c = '\'';
        default -> {}
      }
      if (Character.isWhitespace(c)) {
        c = c == '\n' ? '\n' : ' ';
        if (prev == ' ' && c == ' ') {
          continue;
        }
      } else if (c >= '0' && c <= '9' && (Character.isLetter(prev) || letterNext(s, i))) {
        c = leet(c);
      } else if ((c == '@' || c == '$') && Character.isLetter(prev)) {
        c = c == '@' ? 'a' : 's';
      }
      b.append(c);
      prev = c;
    }
    String out = b.toString();
    Matcher spelled = SPELLED.matcher(out);
    if (spelled.find()) {
      StringBuilder joined = new StringBuilder(out.length());
      int copied = 0;
      do {
        joined.append(out, copied, spelled.start());
        String run = spelled.group();
        for (int i = 0; i < run.length(); i++) {
          if (Character.isLetter(run.charAt(i))) {
            joined.append(run.charAt(i));
          }
        }
        copied = spelled.end();
      } while (spelled.find());
      out = joined.append(out, copied, out.length()).toString();
    }
    return out;
  }

  /** A digit followed by a letter is a letter in disguise ("4ll", "1gn0r3"). */
  private static boolean letterNext(String s, int i) {
    return i + 1 < s.length() && Character.isLetter(s.charAt(i + 1));
  }

  private static char leet(char c) {
    return switch (c) {
      case '0' -> 'o';
      case '1' -> 'i';
      case '3' -> 'e';
      case '4' -> 'a';
      case '5' -> 's';
      case '7' -> 't';
      default -> c;
    };
  }

  static String rot13(String s) {
    char[] out = s.toCharArray();
    for (int i = 0; i < out.length; i++) {
      char c = out[i];
      if (c >= 'a' && c <= 'z') {
        out[i] = (char) ('a' + (c - 'a' + 13) % 26);
      }
    }
    return new String(out);
  }

  /** The decoded text of a base64 run, if it decodes to mostly printable text. */
  private static String base64Text(String run) {
    byte[] bytes;
    try {
      bytes =
          Base64.getDecoder()
              .decode(
                  run.length() % 4 == 0 ? run : run.substring(0, run.length() - run.length() % 4));
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    if (bytes.length < 12) {
      return null;
    }
    int printable = 0;
    for (byte x : bytes) {
      if ((x >= 32 && x < 127) || x == '\n') {
        printable++;
      }
    }
    return printable * 10 >= bytes.length * 9 ? new String(bytes, StandardCharsets.UTF_8) : null;
  }
}
