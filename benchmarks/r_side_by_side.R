# R's fit of one model of the side-by-side benchmark (see r_side_by_side.py).
#
#   Rscript r_side_by_side.R <models> <cohort.csv> <covariates> <references>
#
# <models> is a comma-separated list of model keys; <covariates> is a comma-separated list; <references> is "column=level" pairs separated by
# tabs (the reference level of each text covariate, as the Python side uses). Prints, tab
# separated, for each model: "model <key>", "seconds <elapsed>" for the fit alone, then
# "estimate <name> <value> <se>" lines.
suppressPackageStartupMessages({
  library(survival)
  library(MASS)
})

args <- commandArgs(trailingOnly = TRUE)
models <- strsplit(args[[1]], ",", fixed = TRUE)[[1]]
data <- read.csv(args[[2]], na.strings = "", stringsAsFactors = FALSE)
covariates <- strsplit(args[[3]], ",", fixed = TRUE)[[1]]
references <- if (length(args) >= 4 && nzchar(args[[4]])) strsplit(args[[4]], "\t", fixed = TRUE)[[1]] else character()
for (pair in references) {
  at <- regexpr("=", pair, fixed = TRUE)
  column <- substr(pair, 1, at - 1)
  data[[column]] <- relevel(factor(data[[column]]), ref = substr(pair, at + 1, nchar(pair)))
}

out <- function(name, value, se = NA) {
  cat("estimate", name, sprintf("%.15g", value), sprintf("%.15g", se), sep = "\t")
  cat("\n")
}
rhs <- paste(covariates, collapse = " + ")
complete <- function(columns) data[complete.cases(data[, columns]), ]

timed <- function(expr) {
  t <- system.time(fit <- expr)[["elapsed"]]
  cat("seconds", sprintf("%.4f", t), sep = "\t")
  cat("\n")
  fit
}

fit_model <- function(model) {
  if (model == "km") {
    fit <- timed(survfit(Surv(time, event) ~ group, data = data))
    groups <- rep(sub("^group=", "", names(fit$strata)), fit$strata)
    for (i in seq_along(fit$time)) out(paste("S", groups[i], fit$time[i], sep = "|"), fit$surv[i])
  } else if (model == "logrank") {
    fit <- timed(survdiff(Surv(time, event) ~ group, data = data))
    out("chi-square", fit$chisq)
  } else if (model %in% c("cox", "cox_robust")) {
    frame <- complete(c("treated", covariates))
    f <- as.formula(paste("Surv(time, event) ~ treated +", rhs))
    fit <- timed(coxph(f, data = frame, ties = "efron", robust = model == "cox_robust"))
    se <- sqrt(diag(vcov(fit)))
    for (n in names(coef(fit))) out(n, coef(fit)[[n]], se[[n]])
  } else if (model == "logistic") {
    frame <- complete(covariates)
    fit <- timed(glm(as.formula(paste("treated ~", rhs)), family = binomial, data = frame))
    se <- sqrt(diag(vcov(fit)))
    for (n in names(coef(fit))) out(n, coef(fit)[[n]], se[[n]])
  } else if (model == "negbin") {
    frame <- complete(covariates)
    fit <- timed(glm.nb(as.formula(paste("reoffences ~ treated +", rhs)), data = frame))
    se <- sqrt(diag(vcov(fit)))
    for (n in names(coef(fit))) out(n, coef(fit)[[n]], se[[n]])
    out("theta", fit$theta, fit$SE.theta)
  } else {
    stop("unknown model ", model)
  }
}

for (model in models) {
  cat("model", model, sep = "\t")
  cat("\n")
  fit_model(model)
}
