package io.driftwatch.sidecar.injector;

import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the certificate and key of two PEM files and re-reads them at most once per interval, on a
 * handshake, so a certificate cert-manager renews is served without a restart. A re-read that fails
 * (a half-written file, a key that does not match) keeps the pair in use and logs why, once per
 * interval.
 *
 * <p>Each pair read gets its own alias, and the previous pair stays answerable, so a handshake that
 * chose an alias just before a reload still gets a matching chain and key.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

  private final Path certFile;
  private final Path keyFile;
  private final long intervalNanos;
  private final Object lock = new Object();
  private volatile Loaded current;
  private volatile Loaded previous;
  private volatile long nextCheck;
  private int generation;

  private record Loaded(String alias, PemKeyPair pair) {}

  /**
   * Reads both files now.
   *
   * @param interval the least time between two re-reads; zero never re-reads
   * @throws IllegalArgumentException when the files cannot be read or do not belong together
   */
  ReloadingKeyManager(Path certFile, Path keyFile, Duration interval) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.intervalNanos = interval.toNanos();
    this.current = new Loaded("driftwatch-0", PemKeyPair.read(certFile, keyFile));
    this.previous = current;
    this.nextCheck = System.nanoTime() + intervalNanos;
  }

  /** The certificate served now, leaf first. */
  X509Certificate[] certificateChain() {
    return current().pair().chain().toArray(new X509Certificate[0]);
  }

  private Loaded current() {
    if (intervalNanos > 0 && System.nanoTime() - nextCheck >= 0) {
      reloadIfChanged();
    }
    return current;
  }

  private void reloadIfChanged() {
    synchronized (lock) {
      long now = System.nanoTime();
      if (now - nextCheck < 0) {
        return;
      }
      nextCheck = now + intervalNanos;
      try {
        byte[] cert = PemKeyPair.readFile("tlsCert", certFile, "a readable file");
        byte[] key = PemKeyPair.readFile("tlsKey", keyFile, "a readable file");
        if (current.pair().sameFiles(cert, key)) {
          return;
        }
        PemKeyPair pair = PemKeyPair.read(certFile, keyFile);
        generation++;
        previous = current;
        current = new Loaded("driftwatch-" + generation, pair);
        LOG.info(
            "TLS certificate reloaded from {}: {}, valid until {}",
            certFile,
            pair.chain().get(0).getSubjectX500Principal(),
            pair.chain().get(0).getNotAfter().toInstant());
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "TLS files changed but cannot be used yet; still serving the previous ones: {}",
            e.getMessage());
      }
    }
  }

  private Loaded byAlias(String alias) {
    Loaded c = current;
    if (c.alias().equals(alias)) {
      return c;
    }
    Loaded p = previous;
    return p.alias().equals(alias) ? p : null;
  }

  private String aliasFor(String keyType) {
    Loaded c = current();
    return keyType != null && fits(keyType, c.pair().key()) ? c.alias() : null;
  }

  /** Whether a key can serve a TLS key type such as {@code RSA}, {@code EC} or {@code EdDSA}. */
  private static boolean fits(String keyType, PrivateKey key) {
    String algorithm = key.getAlgorithm();
    if (algorithm.equals("Ed25519") || algorithm.equals("Ed448")) {
      algorithm = "EdDSA";
    }
    return keyType.equals(algorithm) || keyType.startsWith(algorithm + "_");
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Loaded l = byAlias(alias);
    return l == null ? null : l.pair().chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Loaded l = byAlias(alias);
    return l == null ? null : l.pair().key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
