package dev.failover.gcp.compute;

/** Compares Compute resource URLs however they are written (full URL, partial path). */
final class ResourceNames {
  private ResourceNames() {}

  /** {@code projects/P/...} from any of the accepted spellings. */
  static String normalize(String url) {
    String u = url.trim();
    for (String prefix :
        new String[] {
          "https://www.googleapis.com/compute/v1/",
          "https://compute.googleapis.com/compute/v1/",
          "https://www.googleapis.com/compute/beta/",
          "/compute/v1/"
        }) {
      if (u.startsWith(prefix)) {
        u = u.substring(prefix.length());
      }
    }
    return u.startsWith("/") ? u.substring(1) : u;
  }

  static boolean same(String a, String b) {
    return normalize(a).equals(normalize(b));
  }
}
