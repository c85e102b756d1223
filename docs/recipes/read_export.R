# Read a steelbond export in base R (no packages needed).
#   steelbond export steelbond-data
#   Rscript read_export.R steelbond-data
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "steelbond-data"

# The yearly panel: one row per partner and year. Empty cells are missing values (NA),
# never zeros; "true"/"false" read as logicals.
panel <- read.csv(file.path(dir, "panel_year.csv"), na.strings = "",
                  stringsAsFactors = FALSE, encoding = "UTF-8")
panel$period_start <- as.Date(panel$period_start)

# One row per partner and year; merge on the Correlates of War code (South Korea 732,
# Japan 740, Australia 900, New Zealand 920), as with any country-year data.
stopifnot(all(panel$ccode[panel$partner == "KOR"] == 732))
cat("partners", paste(sort(unique(panel$partner)), collapse = ","), "\n")
panel <- panel[panel$partner == "KOR", ]
covered <- panel[panel$coverage == "full", ]
cat("rows", nrow(panel), "\n")
cat("first_year", min(panel$year), "\n")
cat("designation_2015", covered$designation[covered$year == 2015], "\n")
cat("mission_2023", covered$mission_to_nato[covered$year == 2023], "\n")
cat("summits_total_2024", covered$summits_total[covered$year == 2024], "\n")
cat("summits_attended_sum", sum(covered$summits_attended), "\n")
cat("na_outside_coverage", sum(is.na(panel$summits_attended[panel$coverage != "full"])), "\n")

# The facts, and the sources behind them; ids in lists are joined with "; ".
facts <- read.csv(file.path(dir, "facts.csv"), na.strings = "", stringsAsFactors = FALSE,
                  encoding = "UTF-8")
cat("facts", nrow(facts), "\n")
facts <- facts[facts$partner == "KOR", ]
cat("uncorroborated", sum(!facts$corroborated & facts$standing), "\n")
