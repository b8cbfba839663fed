package io.driftwatch.sidecar.injector;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Self-signed serving certificates made at test time with Bouncy Castle, written as the PEM files
 * cert-manager mounts, and clients that trust exactly one of them.
 */
final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How the private key is written. */
  enum KeyFormat {
    /** {@code RSA PRIVATE KEY} / {@code EC PRIVATE KEY}: cert-manager's default encoding. */
    TRADITIONAL,
    /** {@code PRIVATE KEY}: cert-manager with {@code privateKey.encoding: PKCS8}. */
    PKCS8
  }

  /**
   * A generated certificate and the files it was written to.
   *
   * @param certificate the certificate
   * @param keyPair its key pair
   * @param certFile {@code tls.crt}
   * @param keyFile {@code tls.key}
   */
  record Generated(X509Certificate certificate, KeyPair keyPair, Path certFile, Path keyFile) {
    /** An HTTP/1.1 client that trusts this certificate and nothing else. */
    HttpClient client() {
      return HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .sslContext(trusting(certificate))
          .build();
    }
  }

  private TestCertificates() {}

  /**
   * Generates a certificate for {@code 127.0.0.1}, {@code localhost} and the injector's Service
   * name, and writes {@code tls.crt} and {@code tls.key} into {@code dir}.
   *
   * @param algorithm {@code RSA} or {@code EC}
   */
  static Generated write(Path dir, String algorithm, KeyFormat format) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      g.initialize(algorithm.equals("RSA") ? 2048 : 256, RANDOM);
      KeyPair pair = g.generateKeyPair();
      X500Name name = new X500Name("CN=driftwatch-injector.driftwatch.svc");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, RANDOM),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              pair.getPublic());
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, "driftwatch-injector.driftwatch.svc")
              }));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      String signature = algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
      Files.createDirectories(dir);
      Path certFile = dir.resolve("tls.crt");
      Path keyFile = dir.resolve("tls.key");
      Files.writeString(certFile, pem(cert), StandardCharsets.US_ASCII);
      Object key;
      if (format == KeyFormat.PKCS8) {
        key = new JcaPKCS8Generator(pair.getPrivate(), null);
      } else if (algorithm.equals("EC")) {
        key = sec1(pair);
      } else {
        key = pair.getPrivate();
      }
      Files.writeString(keyFile, pem(key), StandardCharsets.US_ASCII);
      return new Generated(cert, pair, certFile, keyFile);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SEC1 as openssl and Go's {@code x509.MarshalECPrivateKey} (cert-manager) write it: with the
   * curve in the key's parameters. Bouncy Castle's own writer leaves them out.
   */
  private static PemObject sec1(KeyPair pair) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
    ECPrivateKey withCurve =
        new ECPrivateKey(
            256,
            inner.getKey(),
            spki.getPublicKeyData(),
            info.getPrivateKeyAlgorithm().getParameters());
    return new PemObject("EC PRIVATE KEY", withCurve.getEncoded());
  }

  static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  /** A TLS context that trusts exactly {@code cert}. */
  static SSLContext trusting(X509Certificate cert) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("injector", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
