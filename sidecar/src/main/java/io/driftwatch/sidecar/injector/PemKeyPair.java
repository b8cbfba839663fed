package io.driftwatch.sidecar.injector;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A serving certificate chain and its private key, read from the PEM files cert-manager (or
 * anything else) mounts: {@code tls.crt} with the leaf first, {@code tls.key} as PKCS#1 ({@code RSA
 * PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}) or unencrypted PKCS#8 ({@code PRIVATE KEY}).
 */
final class PemKeyPair {
  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final byte[] certBytes;
  private final byte[] keyBytes;

  private PemKeyPair(
      List<X509Certificate> chain, PrivateKey key, byte[] certBytes, byte[] keyBytes) {
    this.chain = chain;
    this.key = key;
    this.certBytes = certBytes;
    this.keyBytes = keyBytes;
  }

  /** The certificates, leaf first. */
  List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf's private key, checked to match the leaf's public key. */
  PrivateKey key() {
    return key;
  }

  /**
   * Reads and checks both files.
   *
   * @throws IllegalArgumentException {@code tlsCert: path (expected: …)} or {@code tlsKey: …} when
   *     a file is missing, unreadable, malformed, encrypted, or the key is not the certificate's
   */
  static PemKeyPair read(Path certFile, Path keyFile) {
    byte[] certBytes = readFile("tlsCert", certFile, "a readable PEM certificate file");
    byte[] keyBytes = readFile("tlsKey", keyFile, "a readable PEM private key file");
    List<X509Certificate> chain = certificates(certFile, certBytes);
    PrivateKey key = privateKey(keyFile, keyBytes);
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw InjectorConfig.invalid(
          "tlsKey", keyFile, "the private key of the first certificate in " + certFile);
    }
    return new PemKeyPair(List.copyOf(chain), key, certBytes, keyBytes);
  }

  /** Whether the files still hold what this pair was read from. */
  boolean sameFiles(byte[] certNow, byte[] keyNow) {
    return Arrays.equals(certBytes, certNow) && Arrays.equals(keyBytes, keyNow);
  }

  static byte[] readFile(String name, Path file, String expected) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException | SecurityException e) {
      throw InjectorConfig.invalid(name, file, expected + "; " + e);
    }
  }

  private static List<X509Certificate> certificates(Path file, byte[] bytes) {
    String expected = "PEM certificates, the serving certificate first";
    Collection<? extends Certificate> certs;
    try {
      certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes));
    } catch (CertificateException e) {
      throw InjectorConfig.invalid("tlsCert", file, expected);
    }
    if (certs.isEmpty()) {
      throw InjectorConfig.invalid("tlsCert", file, expected);
    }
    return certs.stream().map(X509Certificate.class::cast).toList();
  }

  private static PrivateKey privateKey(Path file, byte[] bytes) {
    String expected = "an unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8)";
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader =
            new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      // openssl may put "EC PARAMETERS" before the key: skip what is not a key.
      for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw InjectorConfig.invalid("tlsKey", file, expected + ", not an encrypted one");
        }
      }
    } catch (IOException e) {
      throw InjectorConfig.invalid("tlsKey", file, expected);
    }
    throw InjectorConfig.invalid("tlsKey", file, expected);
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // A key of another algorithm than the certificate's lands here too.
      return false;
    }
  }
}
