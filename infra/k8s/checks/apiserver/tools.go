//go:build tools

// The programs this module builds; the build tag keeps this file out of every compilation.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
