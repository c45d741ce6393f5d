package dev.failover.core.domain;

import dev.failover.core.rules.LoadBalancerRules;

/**
 * One region's setting on the load balancer, in the vocabulary of its {@link Mode}. Each variant
 * checks the platform's range on construction.
 */
public sealed interface Setting
    permits Setting.Weight, Setting.Share, Setting.Scaler, Setting.Member {

  /** True when the region receives traffic under this setting. */
  boolean serving();

  /** The mode this setting belongs to. */
  Mode mode();

  /** A human-readable value such as {@code weight=250}, {@code scaler=0.25} or {@code in}. */
  String display();

  /** URL-map weight in {@code weightedBackendServices}: 0..1000, relative to the others. */
  record Weight(int value) implements Setting {
    public static final int MAX = 1000;

    public Weight {
      LoadBalancerRules.weight("weight", value)
          .ifPresent(
              m -> {
                throw new IllegalArgumentException(m);
              });
    }

    @Override
    public boolean serving() {
      return value > 0;
    }

    @Override
    public Mode mode() {
      return Mode.URL_MAP_WEIGHTS;
    }

    @Override
    public String display() {
      return Integer.toString(value);
    }
  }

  /**
   * A region's share of its own users ({@link Mode#URL_MAP_SUBSETS}), in thousandths: the weight on
   * the subsets that hold it over the total. Shown as a percentage ({@code 100%}, {@code 25%},
   * {@code 0.5%}).
   */
  record Share(int level) implements Setting {
    public Share {
      if (level < 0 || level > Topology.FULL) {
        throw new IllegalArgumentException("share must be in 0..1000 thousandths, got " + level);
      }
    }

    /** Parses {@link #display()}. */
    public static Share parse(String text) {
      if (!text.endsWith("%")) {
        throw new IllegalArgumentException("a share is a percentage such as 25%, got " + text);
      }
      return new Share(
          new java.math.BigDecimal(text.substring(0, text.length() - 1))
              .movePointRight(1)
              .intValueExact());
    }

    @Override
    public boolean serving() {
      return level > 0;
    }

    @Override
    public Mode mode() {
      return Mode.URL_MAP_SUBSETS;
    }

    @Override
    public String display() {
      return java.math.BigDecimal.valueOf(level, 1).stripTrailingZeros().toPlainString() + "%";
    }
  }

  /**
   * Backend {@code capacityScaler}: 0 or 0.1..1.0, held in thousandths so that equality is exact.
   */
  record Scaler(int milli) implements Setting {
    public Scaler {
      LoadBalancerRules.capacityScaler("capacityScaler", milli / 1000.0)
          .ifPresent(
              m -> {
                throw new IllegalArgumentException(m);
              });
    }

    public static Scaler of(double value) {
      return new Scaler((int) Math.round(value * 1000));
    }

    public double value() {
      return milli / 1000.0;
    }

    @Override
    public boolean serving() {
      return milli > 0;
    }

    @Override
    public Mode mode() {
      return Mode.CAPACITY_SCALER;
    }

    @Override
    public String display() {
      String s = java.math.BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
      return s.contains(".") ? s : s + ".0";
    }
  }

  /** Backend membership: present in the backend service's {@code backends[]} or removed. */
  record Member(boolean present) implements Setting {
    @Override
    public boolean serving() {
      return present;
    }

    @Override
    public Mode mode() {
      return Mode.BACKEND_MEMBERSHIP;
    }

    @Override
    public String display() {
      return present ? "in" : "out";
    }
  }
}
