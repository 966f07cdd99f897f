package dev.tokenledger.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;

/** Predicates the architecture tests share. */
public final class Walls {
  private Walls() {}

  /** A call of {@code Class} or {@code ClassLoader}'s {@code getResource*} methods. */
  public static final DescribedPredicate<JavaMethodCall> RESOURCE_LOADING =
      DescribedPredicate.describe(
          "Class or ClassLoader getResource*",
          call ->
              call.getTarget().getName().startsWith("getResource")
                  && (call.getTargetOwner().getName().equals(Class.class.getName())
                      || call.getTargetOwner().getName().equals(ClassLoader.class.getName())));
}
