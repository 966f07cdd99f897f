package dev.tokenledger.sim;

import dev.tokenledger.Require;
import java.time.Instant;
import java.util.Locale;

/**
 * Who owns a simulated key: a user or a service account, as {@code owner} in OpenAI's project API
 * key objects. {@code createdAt} may be null, in which case the simulator uses its clock.
 *
 * @param type user or service account
 * @param id {@code user-…} or {@code svc_acct_…}
 * @param name display name
 * @param email the user's email; null for a service account
 * @param role project role, e.g. {@code owner} or {@code member}
 * @param createdAt when the owner was created
 */
public record SimOwner(
    Type type, String id, String name, String email, String role, Instant createdAt) {

  /** The two kinds of key owner OpenAI knows. */
  public enum Type {
    USER,
    SERVICE_ACCOUNT;

    /** The value of {@code owner.type} on the wire: {@code user} or {@code service_account}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SimOwner {
    Require.nonNull("type id name role", type, id, name, role);
    if (type == Type.USER && email == null) {
      throw new IllegalArgumentException("a user owner needs an email");
    }
  }

  /** A user who owns the key with the project role {@code owner}. */
  public static SimOwner user(String id, String name, String email) {
    return new SimOwner(Type.USER, id, name, email, "owner", null);
  }

  /** A service account with the project role {@code member}. */
  public static SimOwner serviceAccount(String id, String name) {
    return new SimOwner(Type.SERVICE_ACCOUNT, id, name, null, "member", null);
  }

  SimOwner withCreatedAt(Instant at) {
    return createdAt != null ? this : new SimOwner(type, id, name, email, role, at);
  }
}
