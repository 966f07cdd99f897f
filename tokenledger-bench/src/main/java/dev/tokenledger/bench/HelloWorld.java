package dev.tokenledger.bench;

/** The anchor of the start-up figures: a JVM that starts, prints a line and exits. */
public final class HelloWorld {
  private HelloWorld() {}

  public static void main(String[] args) {
    System.out.println("hello, world");
  }
}
