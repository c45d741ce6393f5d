package dev.failover.functions;

/**
 * {@link EndToEndIT}'s scenarios on the default layout, URL_MAP_SUBSETS: backend services {@code
 * all} and {@code all-but-X}, the controller moving weight between them. Same components, same
 * expectations in percent of each region's normal traffic.
 */
class EndToEndSubsetsIT extends EndToEndIT {
  @Override
  Front front() {
    return Front.SUBSETS;
  }
}
