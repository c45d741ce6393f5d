package dev.failover.bench;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;

/** The cold-start and memory baseline: a CloudEventsFunction that does nothing. */
public final class EmptyFunction implements CloudEventsFunction {
  @Override
  public void accept(CloudEvent event) {}
}
