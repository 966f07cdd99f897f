package dev.tokenledger.doctor;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code doctor} is asked to do.
 *
 * @param offline run only the local checks, send nothing to the API
 * @param framework check only this framework's key (the others still count for sharing)
 * @param writeIds write the resolved key ids as {@code OPENAI_API_KEY_<FW>_ID} into the {@code
 *     .env} file
 */
public record DoctorOptions(boolean offline, Optional<String> framework, boolean writeIds) {

  /** Every check, every framework, nothing written. */
  public static final DoctorOptions DEFAULTS = new DoctorOptions(false, Optional.empty(), false);

  public DoctorOptions {
    Objects.requireNonNull(framework, "framework");
    if (offline && writeIds) {
      throw new IllegalArgumentException(
          "writeIds needs the API to resolve key ids, so it cannot be combined with offline");
    }
  }
}
