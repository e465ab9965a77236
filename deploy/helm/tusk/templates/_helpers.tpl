{{/*
Names. The release name when it already says "tusk", else <release>-tusk (63 characters at most).
No fullnameOverride: the NATS subchart's values name the Secret by the same rule (values.yaml, nats.container.env).
*/}}
{{- define "tusk.fullname" -}}
{{- if contains "tusk" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-tusk" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<component>, e.g. tusk-worker. Input: dict ctx, component. */}}
{{- define "tusk.componentName" -}}
{{- printf "%s-%s" (include "tusk.fullname" .ctx | trunc 50 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "tusk.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. Input: dict ctx, component. */}}
{{- define "tusk.labels" -}}
helm.sh/chart: {{ include "tusk.chart" .ctx }}
{{ include "tusk.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: tusk
{{- end -}}

{{/* Selector labels: stable across upgrades. Input: dict ctx, component. */}}
{{- define "tusk.selectorLabels" -}}
app.kubernetes.io/name: tusk
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tusk.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "tusk.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- printf "%s-secrets" (include "tusk.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The NATS subchart's fullname, by that chart's own rule (nats.fullname in its _helpers.tpl). */}}
{{- define "tusk.natsFullname" -}}
{{- if .Values.nats.fullnameOverride -}}
{{- .Values.nats.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default "nats" .Values.nats.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tusk.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s:4222" (include "tusk.natsFullname" .) -}}
{{- else -}}
{{- required "set externalNats.url (or nats.enabled: true)" .Values.externalNats.url -}}
{{- end -}}
{{- end -}}

{{- define "tusk.natsUser" -}}
{{- if .Values.nats.enabled -}}
{{- .Values.nats.config.merge.authorization.user -}}
{{- else -}}
{{- .Values.externalNats.user -}}
{{- end -}}
{{- end -}}

{{/* What the KEDA scaler polls: the headless service, so that <server>.<host> reaches each server of the cluster. */}}
{{- define "tusk.natsMonitoringEndpoint" -}}
{{- if .Values.nats.enabled -}}
{{- printf "%s-headless.%s.svc.%s:8222" (include "tusk.natsFullname" .) .Release.Namespace .Values.clusterDomain -}}
{{- else -}}
{{- required "set externalNats.monitoringEndpoint for the KEDA scaler (or worker.autoscaling.enabled: false)" .Values.externalNats.monitoringEndpoint -}}
{{- end -}}
{{- end -}}

{{- define "tusk.driverMetricsUrl" -}}
{{- $ctx := dict "ctx" . "component" "driver" -}}
{{- printf "http://%s.%s.svc.%s:%v/metrics" (include "tusk.componentName" $ctx) .Release.Namespace .Values.clusterDomain .Values.driver.port -}}
{{- end -}}

{{- define "tusk.s3Endpoint" -}}
{{- if .Values.minio.enabled -}}
{{- printf "http://%s:9000" (include "tusk.componentName" (dict "ctx" . "component" "minio")) -}}
{{- else -}}
{{- required "set s3.endpoint (an existing S3 endpoint) or minio.enabled: true" .Values.s3.endpoint -}}
{{- end -}}
{{- end -}}

{{/* "true" when the worker ScaledObject is rendered (then the Deployment leaves replicas to KEDA's HPA). */}}
{{- define "tusk.kedaEnabled" -}}
{{- if and .Values.worker.autoscaling.enabled (or .Values.worker.autoscaling.skipApiCheck (.Capabilities.APIVersions.Has "keda.sh/v1alpha1/ScaledObject")) -}}
true
{{- end -}}
{{- end -}}

{{- define "tusk.serviceMonitorEnabled" -}}
{{- if and .Values.serviceMonitor.enabled (or .Values.serviceMonitor.skipApiCheck (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) -}}
true
{{- end -}}
{{- end -}}

{{/* Pod annotations that roll the pods when the shared config or the chart's Secret changes. */}}
{{- define "tusk.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secrets: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{- define "tusk.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "tusk.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Environment every app takes from the Secret. */}}
{{- define "tusk.secretEnv" -}}
- name: S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "tusk.secretName" . }}
      key: s3AccessKey
- name: S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "tusk.secretName" . }}
      key: s3SecretKey
{{- if include "tusk.natsUser" . }}
- name: NATS_PASS
  valueFrom:
    secretKeyRef:
      name: {{ include "tusk.secretName" . }}
      key: natsPassword
{{- end }}
{{- end -}}

{{/*
An env value as a quoted string. Helm reads numbers in values files as float64, which print as 1e+06 from
a million on; whole numbers are printed through int64 instead.
*/}}
{{- define "tusk.envValue" -}}
{{- if kindIs "float64" . -}}
{{- int64 . | toString | quote -}}
{{- else -}}
{{- toString . | quote -}}
{{- end -}}
{{- end -}}

{{/* A component's extra `env` map as a list, names sorted. Input: the map. */}}
{{- define "tusk.extraEnv" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ include "tusk.envValue" $value }}
{{- end }}
{{- end -}}

{{/* Scheduling knobs of a component. Input: the component's values. */}}
{{- define "tusk.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
