import * as pulumi from "@pulumi/pulumi";

import { AsyncApi, Cluster, type NodeGroupArgs } from "../components/index.js";

// The stack program: a cluster and the hello-world API on it, configured by
// the stack's settings (see Pulumi.dev.yaml).

const config = new pulumi.Config();

const cluster = new Cluster("cortex", {
  region: new pulumi.Config("aws").require("region"),
  nodeGroups: config.requireObject<NodeGroupArgs[]>("nodeGroups"),
});

const helloWorld = new AsyncApi("hello-world", {
  cluster,
  pod: {
    port: 8080,
    containers: [{ name: "api", image: config.require("helloWorldImage"), readinessProbe: { httpGet: { path: "/healthz", port: 8080 } } }],
  },
});

export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const clusterName = cluster.clusterName;
export const bucketName = cluster.bucketName;
export const helloWorldUrl = pulumi.interpolate`${cluster.endpoint}${helloWorld.endpoint}`;
export const helloWorldQueueUrl = helloWorld.queueUrl;
