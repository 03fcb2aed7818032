// The benchmark's peer (test/bench/peerStage.ts): the MongoDB Kafka sink's own escape hatch for credentials
// (mongo.custom.auth.mechanism.providerClass). FerretDB answers connectionStatus without privileges or roles, so the
// sink's configuration check, which reads the privileges of the user named in connection.uri, refuses every user
// ("Missing the following action permissions: insert, update, remove"; KAFKA-332, closed as won't fix). With the
// credential given here instead, connection.uri names no user, that check is skipped, and the sink's clients (the
// check's and the tasks') authenticate as this user. Built into the sink's plugin directory by infra/local/downloads.ts.
package ticketarchiver.peer;

import com.mongodb.MongoCredential;
import com.mongodb.kafka.connect.util.custom.credentials.CustomCredentialProvider;
import java.util.Map;

public final class ConfiguredCredentialProvider implements CustomCredentialProvider {
  static final String USER = "peer.credential.user";
  static final String PASSWORD = "peer.credential.password";
  static final String SOURCE = "peer.credential.source";

  public ConfiguredCredentialProvider() {}

  @Override
  public MongoCredential getCustomCredential(final Map<?, ?> config) {
    Object source = config.get(SOURCE);
    return MongoCredential.createCredential(
        String.valueOf(config.get(USER)),
        source == null ? "admin" : String.valueOf(source),
        String.valueOf(config.get(PASSWORD)).toCharArray());
  }

  @Override
  public void validate(final Map<?, ?> config) {
    if (config.get(USER) == null || config.get(PASSWORD) == null) {
      throw new IllegalArgumentException(USER + " and " + PASSWORD + " are required");
    }
  }

  @Override
  public void init(final Map<?, ?> config) {}
}
