package dev.tokenledger.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

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

  /**
   * Every package of tokenledger a slice of its own, except that an {@code internal} package (and
   * its subpackages) belongs to the package it implements: a facade and its implementation may see
   * each other, any other two packages may not both see each other.
   */
  public static final SliceAssignment PACKAGES_WITH_THEIR_INTERNALS =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String name = javaClass.getPackageName();
          if (!name.equals("dev.tokenledger") && !name.startsWith("dev.tokenledger.")) {
            return SliceIdentifier.ignore();
          }
          int internal = (name + ".").indexOf(".internal.");
          return SliceIdentifier.of(internal < 0 ? name : name.substring(0, internal));
        }

        @Override
        public String getDescription() {
          return "the packages of dev.tokenledger, each with its internal subpackages";
        }
      };
}
