package dev.tokenledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void childrenStartWithVforkOnlyOnLinuxBeforeJava25AndWhenTheUserSetNothing() {
    assertThat(Main.spawnsWithVfork(null, 17, "Linux")).isTrue();
    assertThat(Main.spawnsWithVfork(null, 24, "Linux")).isTrue();
    // Java 25 deprecates vfork; macOS and AIX refuse it with an Error at the first start
    assertThat(Main.spawnsWithVfork(null, 25, "Linux")).isFalse();
    assertThat(Main.spawnsWithVfork(null, 17, "Mac OS X")).isFalse();
    assertThat(Main.spawnsWithVfork(null, 17, "AIX")).isFalse();
    assertThat(Main.spawnsWithVfork(null, 17, "Windows 11")).isFalse();
    assertThat(Main.spawnsWithVfork("POSIX_SPAWN", 17, "Linux")).isFalse();
  }
}
