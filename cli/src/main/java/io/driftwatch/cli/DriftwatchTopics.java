package io.driftwatch.cli;

import io.driftwatch.jobs.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/** The topics Driftwatch creates on a broker it manages, with their partitions and configs. */
final class DriftwatchTopics {
  private DriftwatchTopics() {}

  static List<NewTopic> all() {
    return List.of(
        new NewTopic(Topics.PREDICTIONS, 4, (short) 1),
        new NewTopic(Topics.LABELS, 4, (short) 1),
        new NewTopic(Topics.PROFILES, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
        new NewTopic(Topics.METRICS, 1, (short) 1),
        new NewTopic(Topics.EVENTS, 1, (short) 1),
        new NewTopic(Topics.DLQ, 1, (short) 1));
  }

  static List<String> names() {
    return all().stream().map(NewTopic::name).toList();
  }
}
