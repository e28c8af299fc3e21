{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "wiki.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "wiki.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* <fullname>-<component>, within 63 characters. */}}
{{- define "wiki.componentName" -}}
{{- printf "%s-%s" (include "wiki.fullname" .root | trunc (int (sub 62 (len .component)))) .component | trimSuffix "-" }}
{{- end }}

{{- define "wiki.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "wiki.labels" -}}
helm.sh/chart: {{ include "wiki.chart" . }}
{{ include "wiki.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: wiki
{{- end }}

{{/* Selector labels: never version or chart (selectors are immutable). */}}
{{- define "wiki.selectorLabels" -}}
app.kubernetes.io/name: {{ include "wiki.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Per-component labels and selectors; call with (dict "root" $ "component" "api"). */}}
{{- define "wiki.componentLabels" -}}
{{ include "wiki.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "wiki.componentSelectorLabels" -}}
{{ include "wiki.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* registry/repository:tag, with global.imageRegistry in place of the registry when set. */}}
{{- define "wiki.image" -}}
{{- $registry := default .image.registry .global.imageRegistry -}}
{{- if $registry }}{{ printf "%s/%s:%s" $registry .image.repository .image.tag }}{{ else }}{{ printf "%s:%s" .image.repository .image.tag }}{{ end }}
{{- end }}

{{/* The API image: a reference with a tag or digest is used verbatim; a bare name gets image_tag (and the global registry). */}}
{{- define "wiki.api.image" -}}
{{- $name := .Values.fastapi.image_name -}}
{{- $last := last (splitList "/" $name) -}}
{{- if or (contains ":" $last) (contains "@" $name) -}}
{{- $name -}}
{{- else if .Values.global.imageRegistry -}}
{{- printf "%s/%s:%s" .Values.global.imageRegistry $name (toString .Values.fastapi.image_tag) -}}
{{- else -}}
{{- printf "%s:%s" $name (toString .Values.fastapi.image_tag) -}}
{{- end -}}
{{- end }}

{{- define "wiki.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{- define "wiki.storageClass" -}}
{{- with .Values.global.storageClass }}
storageClassName: {{ . | quote }}
{{- end }}
{{- end }}

{{/* Restricted-profile container security context. */}}
{{- define "wiki.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Where the API finds PostgreSQL. */}}
{{- define "wiki.db.host" -}}
{{- if .Values.postgresql.enabled }}{{ include "wiki.componentName" (dict "root" . "component" "postgresql") }}{{ else }}{{ required "externalDatabase.host is required when postgresql.enabled=false" .Values.externalDatabase.host }}{{ end }}
{{- end }}
{{- define "wiki.db.port" -}}
{{- if .Values.postgresql.enabled }}5432{{ else }}{{ .Values.externalDatabase.port }}{{ end }}
{{- end }}
{{- define "wiki.db.name" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.database }}{{ else }}{{ .Values.externalDatabase.database }}{{ end }}
{{- end }}
{{- define "wiki.db.user" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.username }}{{ else }}{{ .Values.externalDatabase.username }}{{ end }}
{{- end }}
{{- define "wiki.db.secretName" -}}
{{- if not .Values.postgresql.enabled }}{{ required "externalDatabase.existingSecret is required when postgresql.enabled=false" .Values.externalDatabase.existingSecret }}
{{- else if .Values.postgresql.auth.existingSecret }}{{ .Values.postgresql.auth.existingSecret }}
{{- else }}{{ include "wiki.componentName" (dict "root" . "component" "postgresql") }}{{ end }}
{{- end }}
{{- define "wiki.db.secretKey" -}}
{{- if not .Values.postgresql.enabled }}{{ .Values.externalDatabase.existingSecretPasswordKey }}{{ else if .Values.postgresql.auth.existingSecret }}{{ .Values.postgresql.auth.secretKeys.passwordKey }}{{ else }}password{{ end }}
{{- end }}

{{- define "wiki.db.adminSecretKey" -}}
{{- if .Values.postgresql.auth.existingSecret }}{{ .Values.postgresql.auth.secretKeys.adminPasswordKey }}{{ else }}postgres-password{{ end }}
{{- end }}

{{- define "wiki.grafana.secretName" -}}
{{- default (include "wiki.componentName" (dict "root" . "component" "grafana")) .Values.grafana.existingSecret }}
{{- end }}

{{- define "wiki.prometheus.url" -}}
http://{{ include "wiki.componentName" (dict "root" . "component" "prometheus") }}:9090
{{- end }}

{{/* Grafana's public root URL: as given, else from ingress.host, else Grafana's own domain (localhost) with no port (never :3000). */}}
{{- define "wiki.grafana.rootUrl" -}}
{{- if .Values.grafana.rootUrl }}{{ .Values.grafana.rootUrl }}
{{- else if .Values.ingress.host }}{{ ternary "https" "http" (not (empty .Values.ingress.tls)) }}://{{ .Values.ingress.host }}/grafana/
{{- else }}%(protocol)s://%(domain)s/grafana/{{ end }}
{{- end }}

{{/* A password kept in the PostgreSQL Secret: from values, else the one already stored (kept across upgrades), else new. Call with (dict "root" $ "key" "password" "value" "..."). */}}
{{- define "wiki.postgresql.secretValue" -}}
{{- $secret := lookup "v1" "Secret" .root.Release.Namespace (include "wiki.componentName" (dict "root" .root "component" "postgresql")) -}}
{{- if .value -}}
{{- .value -}}
{{- else if and $secret $secret.data (hasKey $secret.data .key) -}}
{{- index $secret.data .key | b64dec -}}
{{- else -}}
{{- randAlphaNum 32 -}}
{{- end -}}
{{- end }}
