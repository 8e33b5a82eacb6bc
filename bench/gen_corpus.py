#!/usr/bin/env python3
"""Generate a large, varied, deterministic corpus of Kubernetes manifests for benchmarks.

The corpus looks like a migration monorepo: one directory per service (`team-NN/svc-NNNNN/`),
each with a Deployment, its ServiceAccount (IRSA role), a Service (some NLBs), an Ingress (ALB
annotations, IngressClass `alb`), a ConfigMap, and sometimes a claim, an HPA, a PDB or a CronJob;
plus a `cluster/` directory with StorageClasses, IngressClass, and the aws-auth ConfigMap.
Services are written either one object per file or as one multi-document `all.yaml`.

A few per cent of objects carry the mistakes ekslint looks for (removed API versions, misspelled
or invalid LBC annotations, malformed role ARNs, a ServiceAccount or a Service that is missing,
in-tree EBS classes, static AWS keys), so the rules do real work and the renderer has findings to
print. The output depends only on --docs and --seed.

    python3 bench/gen_corpus.py --docs 50000 --out target/bench/corpus-50000
"""

import argparse
import os
import random
import shutil
import sys

ACCOUNT = "111122223333"
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"]
TEAMS = 40
IMAGES = ["nginx", "envoy", "redis", "api", "worker", "web", "billing", "search", "auth", "queue"]
WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu"
).split()


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def words(self, n):
        return " ".join(self.pick(WORDS) for _ in range(n))

    # --- objects -------------------------------------------------------------------------
    def labels(self, name, team, indent):
        pad = " " * indent
        return (
            f"{pad}app.kubernetes.io/name: {name}\n"
            f"{pad}app.kubernetes.io/part-of: team-{team:02d}\n"
            f"{pad}app.kubernetes.io/managed-by: kustomize\n"
        )

    def service_account(self, name, ns, team):
        if self.chance(0.02):
            arn = f"arn:aws:iam:{ACCOUNT}:role/{name}"  # IRSA001: missing colon
        elif self.chance(0.02):
            arn = f"arn:aws:iam::{ACCOUNT}:role/teams/team-{team:02d}/{name}"
        else:
            arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        extra = ""
        if self.chance(0.3):
            extra += '    eks.amazonaws.com/sts-regional-endpoints: "true"\n'
        if self.chance(0.1):
            extra += '    eks.amazonaws.com/token-expiration: "86400"\n'
        return (
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
            f"  name: {name}\n  namespace: {ns}\n  labels:\n{self.labels(name, team, 4)}"
            f"  annotations:\n    eks.amazonaws.com/role-arn: {arn}\n{extra}"
        )

    def container(self, name, idx, region, claim):
        env = [
            ("AWS_REGION", region),
            ("LOG_LEVEL", self.pick(["info", "debug", "warn"])),
            ("FEATURE_FLAGS", ",".join(self.pick(WORDS) for _ in range(4))),
        ]
        if self.chance(0.01):
            env.append(("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"))
        env_text = "".join(
            f"        - name: {k}\n          value: \"{v}\"\n" for k, v in env
        )
        env_text += (
            "        - name: POD_NAME\n          valueFrom:\n            fieldRef:\n"
            "              fieldPath: metadata.name\n"
        )
        port = 8080 + idx
        mounts = "        - name: config\n          mountPath: /etc/app\n          readOnly: true\n"
        if claim:
            mounts += "        - name: data\n          mountPath: /var/lib/app\n"
        return (
            f"      - name: {name if idx == 0 else name + '-sidecar'}\n"
            f"        image: {ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{self.pick(IMAGES)}:"
            f"{self.r.randint(1, 9)}.{self.r.randint(0, 30)}.{self.r.randint(0, 99)}\n"
            f"        imagePullPolicy: IfNotPresent\n"
            f"        ports:\n        - name: http\n          containerPort: {port}\n"
            f"          protocol: TCP\n"
            f"        env:\n{env_text}"
            f"        resources:\n          requests:\n            cpu: {self.r.randint(50, 900)}m\n"
            f"            memory: {self.r.randint(64, 2048)}Mi\n"
            f"          limits:\n            memory: {self.r.randint(2048, 4096)}Mi\n"
            f"        readinessProbe:\n          httpGet:\n            path: /healthz\n"
            f"            port: {port}\n          periodSeconds: 10\n"
            f"        livenessProbe:\n          httpGet:\n            path: /livez\n"
            f"            port: {port}\n          initialDelaySeconds: 15\n"
            f"        securityContext:\n          runAsNonRoot: true\n"
            f"          allowPrivilegeEscalation: false\n"
            f"          readOnlyRootFilesystem: true\n"
            f"        volumeMounts:\n{mounts}"
        )

    def deployment(self, name, ns, team, region, sa, claim):
        containers = "".join(
            self.container(name, i, region, claim and i == 0)
            for i in range(1 if self.chance(0.7) else 2)
        )
        volumes = f"      - name: config\n        configMap:\n          name: {name}-config\n"
        if claim:
            volumes += f"      - name: data\n        persistentVolumeClaim:\n          claimName: {name}-data\n"
        api = "extensions/v1beta1" if self.chance(0.01) else "apps/v1"
        return (
            f"apiVersion: {api}\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"  labels:\n{self.labels(name, team, 4)}"
            f"spec:\n  replicas: {self.r.randint(1, 6)}\n  revisionHistoryLimit: 5\n"
            f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n"
            f"  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n"
            f"      maxUnavailable: 0\n"
            f"  template:\n    metadata:\n      labels:\n{self.labels(name, team, 8)}"
            f"      annotations:\n        prometheus.io/scrape: \"true\"\n"
            f"        prometheus.io/port: \"9090\"\n"
            f"    spec:\n      serviceAccountName: {sa}\n"
            f"      securityContext:\n        fsGroup: 65534\n"
            f"      terminationGracePeriodSeconds: 30\n"
            f"      containers:\n{containers}"
            f"      volumes:\n{volumes}"
        )

    def service(self, name, ns, team, kind):
        ann = ""
        type_ = "ClusterIP"
        if kind == "nlb":
            type_ = "LoadBalancer"
            ann = (
                "  annotations:\n"
                "    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
                "    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n"
                f"    service.beta.kubernetes.io/aws-load-balancer-scheme: {self.pick(['internal', 'internal', 'internet-facing'])}\n"
                "    service.beta.kubernetes.io/aws-load-balancer-healthcheck-path: /healthz\n"
                "    service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled: \"true\"\n"
            )
            if self.chance(0.05):
                ann += "    service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval: \"400\"\n"
        elif kind == "node":
            type_ = "NodePort"
        lb_class = "  loadBalancerClass: service.k8s.aws/nlb\n" if kind == "nlb" else ""
        return (
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"  labels:\n{self.labels(name, team, 4)}{ann}"
            f"spec:\n  type: {type_}\n{lb_class}  selector:\n    app.kubernetes.io/name: {name}\n"
            f"  ports:\n  - name: http\n    port: 80\n    targetPort: http\n    protocol: TCP\n"
        )

    def ingress(self, name, ns, team, backend, target):
        legacy = self.chance(0.03)
        scheme = self.pick(["internal", "internal", "internet-facing"])
        cert = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/{self.r.randrange(16**8):08x}-aaaa-bbbb-cccc-{self.r.randrange(16**12):012x}"
        key = "alb.ingress.kubernetes.io/healthcheck-path"
        if self.chance(0.02):
            key = "alb.ingress.kubernetes.io/healthcheck-pth"  # LBC001
        ann = (
            f"    alb.ingress.kubernetes.io/scheme: {scheme}\n"
            f"    alb.ingress.kubernetes.io/target-type: {target}\n"
            "    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}, {\"HTTPS\": 443}]'\n"
            "    alb.ingress.kubernetes.io/ssl-redirect: \"443\"\n"
            f"    alb.ingress.kubernetes.io/certificate-arn: {cert}\n"
            f"    alb.ingress.kubernetes.io/group.name: team-{team:02d}-{scheme}\n"
            f"    {key}: /healthz\n"
            f"    alb.ingress.kubernetes.io/tags: Team=team-{team:02d},CostCenter=cc-{team * 7:04d}\n"
        )
        if scheme == "internet-facing":
            ann += "    alb.ingress.kubernetes.io/inbound-cidrs: 10.0.0.0/8\n"
        if self.chance(0.03):
            ann += "    alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS-1-2-2017-01\n"
        host = f"{name}.team-{team:02d}.example.com"
        if legacy:
            return (
                f"apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: {name}\n"
                f"  namespace: {ns}\n  annotations:\n    kubernetes.io/ingress.class: alb\n{ann}"
                f"spec:\n  rules:\n  - host: {host}\n    http:\n      paths:\n"
                f"      - path: /*\n        backend:\n          serviceName: {backend}\n"
                f"          servicePort: 80\n"
            )
        return (
            f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\n  labels:\n{self.labels(name, team, 4)}  annotations:\n{ann}"
            f"spec:\n  ingressClassName: alb\n  rules:\n  - host: {host}\n    http:\n      paths:\n"
            f"      - path: /\n        pathType: Prefix\n        backend:\n          service:\n"
            f"            name: {backend}\n            port:\n              number: 80\n"
        )

    def config_map(self, name, ns, team):
        lines = "".join(
            f"    {self.pick(WORDS)}.{self.pick(WORDS)}={self.words(self.r.randint(2, 8))}\n"
            for _ in range(self.r.randint(10, 80))
        )
        return (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {ns}\n"
            f"  labels:\n{self.labels(name, team, 4)}"
            f"data:\n  LOG_FORMAT: json\n  TIMEOUT_SECONDS: \"{self.r.randint(1, 60)}\"\n"
            f"  application.properties: |\n{lines}"
        )

    def claim(self, name, ns, team):
        sc = self.pick(["gp3", "gp3", "gp3", "efs", "gp2-legacy"])
        mode = "ReadWriteMany" if sc == "efs" else "ReadWriteOnce"
        if sc != "efs" and self.chance(0.03):
            mode = "ReadWriteMany"  # CSI: EBS cannot be RWX
        return (
            f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}-data\n"
            f"  namespace: {ns}\n  labels:\n{self.labels(name, team, 4)}"
            f"spec:\n  storageClassName: {sc}\n  accessModes:\n  - {mode}\n"
            f"  resources:\n    requests:\n      storage: {self.r.randint(1, 200)}Gi\n"
        )

    def hpa(self, name, ns):
        api = "autoscaling/v2beta2" if self.chance(0.05) else "autoscaling/v2"
        return (
            f"apiVersion: {api}\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n"
            f"    kind: Deployment\n    name: {name}\n  minReplicas: 2\n"
            f"  maxReplicas: {self.r.randint(3, 30)}\n  metrics:\n  - type: Resource\n"
            f"    resource:\n      name: cpu\n      target:\n        type: Utilization\n"
            f"        averageUtilization: {self.r.randint(50, 90)}\n"
        )

    def pdb(self, name, ns):
        api = "policy/v1beta1" if self.chance(0.05) else "policy/v1"
        return (
            f"apiVersion: {api}\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n"
            f"      app.kubernetes.io/name: {name}\n"
        )

    def cronjob(self, name, ns, sa):
        api = "batch/v1beta1" if self.chance(0.05) else "batch/v1"
        return (
            f"apiVersion: {api}\nkind: CronJob\nmetadata:\n  name: {name}-report\n  namespace: {ns}\n"
            f"spec:\n  schedule: \"{self.r.randint(0, 59)} {self.r.randint(0, 23)} * * *\"\n"
            f"  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n"
            f"        spec:\n          serviceAccountName: {sa}\n          restartPolicy: OnFailure\n"
            f"          containers:\n          - name: report\n"
            f"            image: {ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/report:1.0.0\n"
            f"            args: [\"--since\", \"24h\", \"--team\", \"{name}\"]\n"
        )

    # --- one service ---------------------------------------------------------------------
    def service_docs(self, n):
        team = n % TEAMS
        name = f"svc-{n:05d}"
        ns = f"team-{team:02d}"
        region = self.pick(REGIONS)
        claim = self.chance(0.25)
        sa = name if not self.chance(0.01) else name + "-runner"  # IRSA016: missing SA
        backend = name if not self.chance(0.01) else name + "-web"  # LBC016: missing Service
        lb = self.pick(["cluster", "cluster", "cluster", "nlb", "node"])
        target = "ip" if lb != "node" else self.pick(["instance", "ip"])
        docs = [
            ("serviceaccount", self.service_account(name, ns, team)),
            ("deployment", self.deployment(name, ns, team, region, sa, claim)),
            ("service", self.service(name, ns, team, lb)),
            ("configmap", self.config_map(name, ns, team)),
        ]
        if lb != "nlb":
            docs.append(("ingress", self.ingress(name, ns, team, backend, target)))
        if claim:
            docs.append(("pvc", self.claim(name, ns, team)))
        if self.chance(0.4):
            docs.append(("hpa", self.hpa(name, ns)))
        if self.chance(0.3):
            docs.append(("pdb", self.pdb(name, ns)))
        if self.chance(0.15):
            docs.append(("cronjob", self.cronjob(name, ns, sa)))
        return f"team-{team:02d}/{name}", docs


CLUSTER = """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: ebs.csi.aws.com
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
parameters:
  type: gp3
  encrypted: "true"
  iops: "4000"
  throughput: "250"
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp2-legacy
provisioner: kubernetes.io/aws-ebs
parameters:
  type: gp2
  fsType: ext4
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: efs
provisioner: efs.csi.aws.com
parameters:
  provisioningMode: efs-ap
  fileSystemId: fs-0123456789abcdef0
  directoryPerms: "700"
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb
spec:
  controller: ingress.k8s.aws/alb
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/eks-node-group
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
    - rolearn: arn:aws:iam::111122223333:role/platform/admins
      username: platform-admin
      groups:
        - system:masters
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, required=True, help="documents to generate (at least)")
    ap.add_argument("--out", required=True, help="output directory (replaced)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(os.path.join(args.out, "cluster"))
    with open(os.path.join(args.out, "cluster", "cluster.yaml"), "w") as f:
        f.write(CLUSTER)
    g = Gen(args.seed)
    docs = CLUSTER.count("\n---\n") + 1
    files = 1
    size = len(CLUSTER)
    n = 0
    while docs < args.docs:
        rel, items = g.service_docs(n)
        n += 1
        d = os.path.join(args.out, rel)
        os.makedirs(d)
        if g.chance(0.5):
            text = "---\n".join(body for _, body in items)
            with open(os.path.join(d, "all.yaml"), "w") as f:
                f.write(text)
            files += 1
            size += len(text)
        else:
            for kind, body in items:
                with open(os.path.join(d, f"{kind}.yaml"), "w") as f:
                    f.write(body)
                files += 1
                size += len(body)
        docs += len(items)
    print(f"{args.out}: {n} services, {files} files, {docs} documents, {size / 2**20:.1f} MiB",
          file=sys.stderr)


if __name__ == "__main__":
    main()
