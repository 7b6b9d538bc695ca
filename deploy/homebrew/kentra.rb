# Rendered by `npm run compile` from deploy/release.yaml (scripts/release/manifests.ts).
class Kentra < Formula
  desc "Sign in to Kubernetes with Microsoft Entra ID"
  homepage "https://example.invalid/kentra"
  version "0.1.0"
  license "MIT"

  on_macos do
    on_arm do
      url "https://example.invalid/kentra/releases/download/v0.1.0/kentra-darwin-arm64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
    on_intel do
      url "https://example.invalid/kentra/releases/download/v0.1.0/kentra-darwin-x64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  on_linux do
    on_arm do
      url "https://example.invalid/kentra/releases/download/v0.1.0/kentra-linux-arm64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
    on_intel do
      url "https://example.invalid/kentra/releases/download/v0.1.0/kentra-linux-x64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  def install
    bin.install "kentra"
    # kubectl runs `kubectl-entra` for `kubectl entra`.
    bin.install_symlink "kentra" => "kubectl-entra"
  end

  def caveats
    <<~EOS
      kubectl runs `kentra get-token` through the kubeconfig that
      `kubectl entra kubeconfig ...` writes. Start with `kubectl entra --help`.
    EOS
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/kentra --version")
  end
end
