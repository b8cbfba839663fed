package io.driftwatch.sidecar.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftwatch.sidecar.injector.TestCertificates.Generated;
import io.driftwatch.sidecar.injector.TestCertificates.KeyFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the PEM files cert-manager mounts, and picking up renewed ones. */
class InjectorTlsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"RSA, TRADITIONAL", "RSA, PKCS8", "EC, TRADITIONAL", "EC, PKCS8"})
  void readsTheKeyEncodingsCertManagerWrites(String algorithm, KeyFormat format) throws Exception {
    Generated g = TestCertificates.write(dir, algorithm, format);
    String header = Files.readString(g.keyFile()).lines().findFirst().orElseThrow();
    assertThat(header)
        .isEqualTo(
            format == KeyFormat.PKCS8
                ? "-----BEGIN PRIVATE KEY-----"
                : "-----BEGIN " + algorithm + " PRIVATE KEY-----");
    PemKeyPair pair = PemKeyPair.read(g.certFile(), g.keyFile());
    assertThat(pair.chain()).containsExactly(g.certificate());
    // read() checked that the key signs what the certificate's public key verifies.
    assertThat(pair.key().getAlgorithm()).isEqualTo(algorithm);
    if (pair.key() instanceof java.security.interfaces.ECPrivateKey ec) {
      assertThat(ec.getS())
          .isEqualTo(((java.security.interfaces.ECPrivateKey) g.keyPair().getPrivate()).getS());
    } else {
      assertThat(pair.key().getEncoded()).isEqualTo(g.keyPair().getPrivate().getEncoded());
    }
  }

  @Test
  void readsAChainWithTheLeafFirstAndSkipsEcParameters() throws Exception {
    Generated leaf = TestCertificates.write(dir.resolve("leaf"), "EC", KeyFormat.TRADITIONAL);
    Generated other = TestCertificates.write(dir.resolve("other"), "RSA", KeyFormat.TRADITIONAL);
    Path chain = dir.resolve("chain.crt");
    Files.writeString(
        chain, Files.readString(leaf.certFile()) + Files.readString(other.certFile()));
    Path key = dir.resolve("with-params.key");
    Files.writeString(
        key,
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
            + Files.readString(leaf.keyFile()));
    PemKeyPair pair = PemKeyPair.read(chain, key);
    assertThat(pair.chain()).containsExactly(leaf.certificate(), other.certificate());
  }

  @Test
  void aKeyThatIsNotTheCertificatesFailsNamingBothFiles() {
    Generated a = TestCertificates.write(dir.resolve("a"), "RSA", KeyFormat.TRADITIONAL);
    Generated b = TestCertificates.write(dir.resolve("b"), "RSA", KeyFormat.TRADITIONAL);
    Generated ec = TestCertificates.write(dir.resolve("ec"), "EC", KeyFormat.TRADITIONAL);
    assertThatThrownBy(() -> PemKeyPair.read(a.certFile(), b.keyFile()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tlsKey: "
                + b.keyFile()
                + " (expected: the private key of the first certificate in "
                + a.certFile()
                + ")");
    assertThatThrownBy(() -> PemKeyPair.read(a.certFile(), ec.keyFile()))
        .hasMessageStartingWith("tlsKey: " + ec.keyFile());
  }

  @Test
  void missingMalformedAndEncryptedFilesFailAtStartUp() throws Exception {
    Generated g = TestCertificates.write(dir, "RSA", KeyFormat.TRADITIONAL);
    Path missing = dir.resolve("nope.crt");
    assertThatThrownBy(() -> PemKeyPair.read(missing, g.keyFile()))
        .hasMessageStartingWith("tlsCert: " + missing + " (expected: a readable PEM certificate");
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(
        garbage, "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> PemKeyPair.read(garbage, g.keyFile()))
        .hasMessage(
            "tlsCert: " + garbage + " (expected: PEM certificates, the serving certificate first)");
    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> PemKeyPair.read(empty, g.keyFile()))
        .hasMessageStartingWith("tlsCert: " + empty);
    assertThatThrownBy(() -> PemKeyPair.read(g.certFile(), g.certFile()))
        .hasMessageStartingWith("tlsKey: " + g.certFile() + " (expected: an unencrypted PEM");

    Path encrypted = dir.resolve("encrypted.key");
    var encryptor =
        new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
            .setPassword("secret".toCharArray())
            .build();
    Files.writeString(
        encrypted,
        TestCertificates.pem(new JcaPKCS8Generator(g.keyPair().getPrivate(), encryptor)),
        StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> PemKeyPair.read(g.certFile(), encrypted))
        .hasMessageContaining("not an encrypted one");
  }

  @Test
  void renewedFilesAreServedAndBrokenOnesAreNot() throws Exception {
    Generated first = TestCertificates.write(dir, "RSA", KeyFormat.TRADITIONAL);
    ReloadingKeyManager keys =
        new ReloadingKeyManager(first.certFile(), first.keyFile(), Duration.ofNanos(1));
    String alias = keys.chooseServerAlias("RSA", null, null);
    assertThat(keys.chooseServerAlias("EC", null, null)).isNull();
    assertThat(keys.getCertificateChain(alias)).containsExactly(first.certificate());

    Generated second = TestCertificates.write(dir, "EC", KeyFormat.PKCS8);
    String renewed = keys.chooseServerAlias("EC", null, null);
    assertThat(renewed).isNotNull().isNotEqualTo(alias);
    assertThat(keys.getCertificateChain(renewed)).containsExactly(second.certificate());
    assertThat(keys.getPrivateKey(renewed).getAlgorithm()).isEqualTo("EC");
    // A handshake that chose the old alias just before the reload still gets a matching pair.
    assertThat(keys.getCertificateChain(alias)).containsExactly(first.certificate());
    assertThat(keys.getPrivateKey(alias).getAlgorithm()).isEqualTo("RSA");

    // Mid-rotation: a new certificate with the old key. The renewed pair keeps being served.
    Files.copy(
        first.certFile(),
        dir.resolve("tls.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(keys.chooseServerAlias("EC", null, null)).isEqualTo(renewed);
    assertThat(keys.certificateChain()).containsExactly(second.certificate());
  }

  @Test
  void aZeroIntervalNeverRereads() {
    Generated first = TestCertificates.write(dir, "RSA", KeyFormat.TRADITIONAL);
    ReloadingKeyManager keys =
        new ReloadingKeyManager(first.certFile(), first.keyFile(), Duration.ZERO);
    TestCertificates.write(dir, "RSA", KeyFormat.TRADITIONAL);
    assertThat(keys.certificateChain()).containsExactly(first.certificate());
  }
}
