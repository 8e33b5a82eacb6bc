//! Container image references: their registry and repository, and the one portability verdict
//! an image gets (PORT019 to PORT023 each report only their own verdict, so an image reference
//! gets at most one of these findings).

use ekslint_manifest::pod::registry_of;

use super::table::{self, RegistryKind, RegistryRow};
use crate::config::Registries;

/// The registry host and repository path of an image reference. Docker Hub's official images
/// get their implicit `library/` namespace, so `nginx` is `docker.io` + `library/nginx`.
pub fn split(image: &str) -> (&str, String) {
    let host = registry_of(image);
    let rest = if image.starts_with(host) && image[host.len()..].starts_with('/') {
        &image[host.len() + 1..]
    } else {
        image
    };
    let path = image_name(rest);
    let path = if is_docker_hub(host) && !path.contains('/') {
        format!("library/{path}")
    } else {
        path.to_string()
    };
    (host, path)
}

/// The name of an image reference: without its digest or tag (what Kustomize's `images:`
/// entries match).
pub fn image_name(image: &str) -> &str {
    let rest = image.split('@').next().unwrap_or(image);
    match rest.rfind(':') {
        Some(i) if !rest[i..].contains('/') => &rest[..i],
        _ => rest,
    }
}

/// The host without its port.
pub fn bare_host(host: &str) -> &str {
    host.split(':').next().unwrap_or(host)
}

pub fn is_docker_hub(host: &str) -> bool {
    table::REGISTRIES.docker_hub.iter().any(|h| h == host)
}

/// An Amazon ECR private registry: `<account>.dkr.ecr.<region>.amazonaws.com` (also
/// `dkr.ecr-fips`, `.amazonaws.com.cn`, the ISO partitions' domains, and the dual-stack
/// `<account>.dkr-ecr.<region>.on.aws`).
pub fn is_ecr_private(host: &str) -> bool {
    let labels: Vec<&str> = bare_host(host).split('.').collect();
    let account = labels
        .first()
        .is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()));
    if !account || labels.len() < 5 {
        return false;
    }
    let region_ok = |r: &str| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if labels[1] == "dkr-ecr" {
        return region_ok(labels[2]) && labels[3..] == ["on", "aws"];
    }
    let domain = labels[4..].join(".");
    labels[1] == "dkr"
        && matches!(labels[2], "ecr" | "ecr-fips")
        && region_ok(labels[3])
        && matches!(
            domain.as_str(),
            "amazonaws.com" | "amazonaws.com.cn" | "c2s.ic.gov" | "sc2s.sgov.gov"
        )
}

/// Why an image cannot simply be pulled on EKS.
#[derive(Clone, Copy, Debug)]
pub enum Verdict {
    /// A registry inside the old cluster (PORT021).
    Internal(&'static RegistryRow),
    /// A private cluster cannot reach it (PORT022).
    Private,
    /// A frozen registry with one replacement (PORT020).
    Frozen(&'static RegistryRow),
    /// The old platform's nodes had credentials for it (PORT019).
    Credentials(&'static RegistryRow),
    /// Docker Hub's anonymous pull limit (PORT023).
    DockerHub,
}

/// The verdict of one image reference, or none when it is fine (or allowed in the config).
/// The order is the order of harm: a registry that does not exist, then one the cluster cannot
/// reach at all, then a frozen one, then one that needs credentials, then rate limits.
pub fn classify(image: &str, registries: &Registries) -> Option<Verdict> {
    let (host, path) = split(image);
    if registries.allows(host, &path) {
        return None;
    }
    // A repository path is lower case; `IMAGE_NAME` or `MY_APP:v1` is a placeholder of a
    // document, not a Docker Hub image. (An upper-case path under a named registry still says
    // which registry it will be.)
    if is_docker_hub(host) && path.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let row = table::registry(bare_host(host));
    if let Some(r) = row.filter(|r| r.kind == RegistryKind::Internal) {
        return Some(Verdict::Internal(r));
    }
    if registries.private_cluster && !is_ecr_private(host) {
        return Some(Verdict::Private);
    }
    match row.map(|r| (r.kind, r)) {
        Some((RegistryKind::Frozen, r)) => Some(Verdict::Frozen(r)),
        Some((RegistryKind::Credentials, r)) => Some(Verdict::Credentials(r)),
        _ if is_docker_hub(host) => Some(Verdict::DockerHub),
        _ => None,
    }
}

/// The name a verdict's count is kept under: the registry host, or `Docker Hub`.
pub fn count_key(image: &str) -> String {
    let host = registry_of(image);
    if is_docker_hub(host) {
        "Docker Hub".to_string()
    } else {
        bare_host(host).to_string()
    }
}

/// The image references of the input whose verdict `pick` accepts, each with its verdict and
/// the registry it is counted under in the summary.
pub fn judged<'a>(
    images: &'a [super::facts::ImageFact],
    registries: &Registries,
    pick: fn(&Verdict) -> bool,
) -> Vec<(&'a super::facts::ImageFact, Verdict, String)> {
    images
        .iter()
        .filter_map(|i| {
            let v = classify(&i.image, registries)?;
            pick(&v).then(|| (i, v, count_key(&i.image)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_docker_hub_images() {
        let r = Registries::default();
        assert!(classify("IMAGE_NAME", &r).is_none());
        assert!(classify("CONTAINER_IMAGE:v1", &r).is_none());
        assert!(matches!(
            classify("nginx:1.27", &r),
            Some(Verdict::DockerHub)
        ));
        assert!(matches!(
            classify("gcr.io/PROJECT_ID/web:v1", &r),
            Some(Verdict::Credentials(_))
        ));
    }

    #[test]
    fn image_names() {
        assert_eq!(image_name("nginx"), "nginx");
        assert_eq!(image_name("nginx:1.27"), "nginx");
        assert_eq!(image_name("gcr.io/p/web@sha256:00ff"), "gcr.io/p/web");
        assert_eq!(image_name("gcr.io/p/web:1@sha256:00ff"), "gcr.io/p/web");
        assert_eq!(image_name("localhost:5000/web"), "localhost:5000/web");
        assert_eq!(image_name("localhost:5000/web:2"), "localhost:5000/web");
    }

    #[test]
    fn split_references() {
        assert_eq!(split("nginx"), ("docker.io", "library/nginx".to_string()));
        assert_eq!(
            split("nginx:1.27"),
            ("docker.io", "library/nginx".to_string())
        );
        assert_eq!(
            split("docker.io/bitnami/redis:7@sha256:ab"),
            ("docker.io", "bitnami/redis".to_string())
        );
        assert_eq!(
            split("registry:5000/team/app:1"),
            ("registry:5000", "team/app".to_string())
        );
        assert_eq!(
            split("gcr.io/distroless/static"),
            ("gcr.io", "distroless/static".to_string())
        );
    }

    #[test]
    fn ecr_hosts() {
        for h in [
            "111122223333.dkr.ecr.us-east-1.amazonaws.com",
            "111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn",
            "111122223333.dkr-ecr.eu-west-1.on.aws",
        ] {
            assert!(is_ecr_private(h), "{h}");
        }
        for h in [
            "public.ecr.aws",
            "11112222333.dkr.ecr.us-east-1.amazonaws.com",
            "111122223333.dkr.ecr.us-east-1.example.com",
            "gcr.io",
        ] {
            assert!(!is_ecr_private(h), "{h}");
        }
    }

    #[test]
    fn one_verdict_per_image() {
        let open = Registries::default();
        let kind = |i: &str, r: &Registries| {
            classify(i, r).map(|v| format!("{v:?}").split('(').next().unwrap().to_string())
        };
        assert_eq!(
            kind("gcr.io/p/app:1", &open).as_deref(),
            Some("Credentials")
        );
        assert_eq!(
            kind("europe-docker.pkg.dev/p/r/app", &open).as_deref(),
            Some("Credentials")
        );
        assert_eq!(
            kind("acme.azurecr.io/app", &open).as_deref(),
            Some("Credentials")
        );
        assert_eq!(
            kind("k8s.gcr.io/pause:3.9", &open).as_deref(),
            Some("Frozen")
        );
        assert_eq!(kind("nginx:1.27", &open).as_deref(), Some("DockerHub"));
        assert_eq!(
            kind(
                "image-registry.openshift-image-registry.svc:5000/ns/app",
                &open
            )
            .as_deref(),
            Some("Internal")
        );
        assert_eq!(kind("quay.io/prometheus/prometheus", &open), None);
        assert_eq!(
            kind("111122223333.dkr.ecr.us-east-1.amazonaws.com/app", &open),
            None
        );
        let private = Registries {
            allowed: vec!["quay.io".to_string()],
            private_cluster: true,
        };
        assert_eq!(kind("gcr.io/p/app", &private).as_deref(), Some("Private"));
        assert_eq!(kind("nginx", &private).as_deref(), Some("Private"));
        assert_eq!(kind("quay.io/x/y", &private), None);
        assert_eq!(
            kind("111122223333.dkr.ecr.us-east-1.amazonaws.com/app", &private),
            None
        );
        assert_eq!(
            kind("registry.svc.cluster.local:5000/app", &private).as_deref(),
            Some("Internal")
        );
        let allowed = Registries {
            allowed: vec!["gcr.io/p".to_string(), "docker.io/library".to_string()],
            private_cluster: false,
        };
        assert_eq!(kind("gcr.io/p/app", &allowed), None);
        assert_eq!(kind("nginx", &allowed), None);
        assert_eq!(
            kind("bitnami/redis", &allowed).as_deref(),
            Some("DockerHub")
        );
    }
}
