package dev.failover.core.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/** A Google Cloud region name such as {@code us-central1}. */
public record Region(String name) implements Comparable<Region> {
  private static final Pattern NAME = Pattern.compile("[a-z]+(-[a-z]+)+[0-9]{1,2}");

  public Region {
    Objects.requireNonNull(name, "region name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "region must look like 'us-central1' (lowercase words joined by '-', ending in a"
              + " number), got '"
              + Text.printable(name)
              + "'");
    }
  }

  public static Region of(String name) {
    return new Region(name);
  }

  @Override
  public int compareTo(Region other) {
    return name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
