// Minimal Kafka admin for the local broker, run by kafka.sh with Java's single-file launcher:
//   java -cp 'lib/*' KafkaAdmin.java BOOTSTRAP probe|list|create NAME [PARTITIONS]|delete NAME
// probe: exit 0 when the broker answers a metadata (describeCluster) request, else 1.
// Used as the readiness probe when kcat is not installed, and for topic admin (kafka-tools is
// deliberately not resolved: it drags in Kafka Connect, Jetty and Jersey).
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

public class KafkaAdmin {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) usage();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    // A broker that authenticates clients (kafka.sh with KAFKA_SECURITY=scram): connect as the given user.
    String user = System.getenv("KAFKA_SASL_USERNAME");
    if (user != null && !user.isEmpty()) {
      props.put("security.protocol", "SASL_PLAINTEXT");
      props.put("sasl.mechanism", "SCRAM-SHA-512");
      props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
          + user + "\" password=\"" + System.getenv("KAFKA_SASL_PASSWORD") + "\";");
    }
    int rc = 0;
    try (Admin admin = Admin.create(props)) {
      switch (args[1]) {
        case "probe" -> {
          var cluster = admin.describeCluster();
          var nodes = cluster.nodes().get(5, TimeUnit.SECONDS);
          System.out.println("cluster " + cluster.clusterId().get(5, TimeUnit.SECONDS)
              + ", brokers: " + nodes);
          rc = nodes.isEmpty() ? 1 : 0;
        }
        case "list" -> admin.listTopics().names().get(10, TimeUnit.SECONDS).stream().sorted()
            .forEach(System.out::println);
        case "create" -> {
          if (args.length < 3) usage();
          int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 1;
          admin.createTopics(List.of(new NewTopic(args[2], Optional.of(partitions), Optional.empty())))
              .all().get(15, TimeUnit.SECONDS);
          System.out.println("created " + args[2] + " (" + partitions + " partitions)");
        }
        case "delete" -> {
          if (args.length < 3) usage();
          admin.deleteTopics(List.of(args[2])).all().get(15, TimeUnit.SECONDS);
          System.out.println("deleted " + args[2]);
        }
        default -> usage();
      }
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println(args[1] + " failed: " + cause);
      rc = 1;
    }
    System.exit(rc);
  }

  private static void usage() {
    System.err.println("usage: KafkaAdmin BOOTSTRAP probe|list|create NAME [PARTITIONS]|delete NAME");
    System.exit(2);
  }
}
