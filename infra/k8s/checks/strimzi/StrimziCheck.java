// Reads Strimzi custom resources (YAML documents on stdin) into Strimzi's own model (io.strimzi:api) and fails on
// anything the model does not know. Jackson already fails on a wrong type (text where a number goes); Strimzi's
// classes keep unknown properties aside instead of failing (UnknownPropertyPreserving), so every object reached from
// a resource is walked and any property kept aside is reported with its path, the check Strimzi's operator only
// logs as a warning. Strimzi's enums read a value they do not know as null (AclOperation.forValue("Consume") is null),
// so the resource is also written back and every value given that did not survive the reading is reported. Run with
// `java -cp <jars> StrimziCheck.java`; prints one line per problem, exits 1 on any.
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strimzi.api.kafka.model.common.UnknownPropertyPreserving;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

public class StrimziCheck {
  static final Map<String, Class<?>> KINDS = Map.of(
      "KafkaTopic", KafkaTopic.class, "KafkaConnect", KafkaConnect.class, "KafkaConnector", KafkaConnector.class,
      "KafkaUser", KafkaUser.class);

  public static void main(String[] args) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    // Writes every property back, defaults included (the model leaves out e.g. a group ACL's patternType: literal).
    ObjectMapper writer = new ObjectMapper().setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
      @Override
      public JsonInclude.Value findPropertyInclusion(Annotated a) {
        return JsonInclude.Value.empty();
      }
    });
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (JsonNode doc : yaml.readValues(yaml.getFactory().createParser(System.in), JsonNode.class).readAll()) {
      if (doc == null || doc.isNull()) continue;
      String kind = doc.path("kind").asText();
      String where = kind + "/" + doc.path("metadata").path("name").asText();
      Class<?> type = KINDS.get(kind);
      if (type == null) {
        problems.add(where + ": not a Strimzi kind this check knows");
        continue;
      }
      if (!"kafka.strimzi.io/v1beta2".equals(doc.path("apiVersion").asText())) {
        problems.add(where + ": apiVersion " + doc.path("apiVersion").asText() + " is not kafka.strimzi.io/v1beta2");
      }
      try {
        Object resource = yaml.treeToValue(doc, type);
        walk(resource, where, problems, new IdentityHashMap<>());
        lost(doc, writer.valueToTree(resource), where, problems);
      } catch (Exception e) {
        problems.add(where + ": " + e.getMessage().split("\n")[0]);
      }
      checked++;
    }
    problems.forEach(System.out::println);
    System.out.println(checked + " Strimzi resource(s) checked, " + problems.size() + " problem(s)");
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  /** Values of the document that the model read as nothing: unknown enum values, which Strimzi turns into null. */
  static void lost(JsonNode given, JsonNode read, String path, List<String> problems) {
    if (given == null || given.isNull()) return;
    if (read == null || read.isNull() || read.isMissingNode()) {
      problems.add(path + ": " + given + " is not a value the model knows");
      return;
    }
    if (given.isObject()) {
      for (var fields = given.fields(); fields.hasNext(); ) {
        var f = fields.next();
        lost(f.getValue(), read.get(f.getKey()), path + "." + f.getKey(), problems);
      }
    } else if (given.isArray()) {
      for (int i = 0; i < given.size(); i++) lost(given.get(i), read.get(i), path + "[" + i + "]", problems);
    }
  }

  static void walk(Object node, String path, List<String> problems, IdentityHashMap<Object, Boolean> seen) throws Exception {
    if (node == null || seen.put(node, true) != null) return;
    if (node instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) walk(item, path + "[" + i++ + "]", problems, seen);
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) walk(e.getValue(), path + "." + e.getKey(), problems, seen);
      return;
    }
    if (!node.getClass().getName().startsWith("io.strimzi.")) return;
    if (node instanceof UnknownPropertyPreserving preserving && preserving.getAdditionalProperties() != null) {
      for (String name : preserving.getAdditionalProperties().keySet()) problems.add(path + ": unknown property " + name);
    }
    for (Method m : node.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")) continue;
      if (m.getName().equals("getClass") || m.getName().equals("getAdditionalProperties")) continue;
      Object value = m.invoke(node);
      String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      walk(value, path + "." + name, problems, seen);
    }
  }
}
