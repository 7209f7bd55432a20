package io.circuitstream

import io.circuitstream.engine.circuit.Circuit
import io.circuitstream.engine.circuit.CircuitSpec
import io.circuitstream.engine.circuit.Evidence
import io.circuitstream.engine.circuit.LayerKind
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.within
import org.junit.jupiter.api.Test
import kotlin.math.exp

/** The public engine API as a Kotlin caller sees it: records as properties, exact nullability. */
class KotlinApiTest {

    @Test
    fun `a Kotlin caller builds a circuit, marginalises pixels and reads the class posterior`() {
        val spec = CircuitSpec.builder()
            .regionGraph("quad-tree-2")
            .imageShape(4, 4)
            .layerKind(LayerKind.CP)
            .units(4)
            .numClasses(3)
            .numCategories(8)
            .build()
        val circuit = Circuit.create(spec, 7L)

        val pixels = IntArray(2 * 16) { it % 8 }
        val missing = BooleanArray(2 * 16) { it >= 16 && it % 2 == 0 } // second image: half its pixels missing
        val evidence = Evidence.of(16, pixels).withMissing(missing)

        circuit.evaluator(2).use { evaluator ->
            val logLikelihoods = evaluator.logLikelihoods(evidence)
            assertThat(logLikelihoods.size).isEqualTo(2)
            assertThat(logLikelihoods.numClasses).isEqualTo(3)

            val posterior = logLikelihoods.posterior(null) // uniform prior: a nullable parameter
            for (i in 0 until posterior.size) {
                val total = (0 until posterior.numClasses).sumOf { y -> exp(posterior.get(i, y)) }
                assertThat(total).isCloseTo(1.0, within(1e-12))
            }
            // Fewer observed pixels: a marginal over more pixels has a higher likelihood than a full image.
            val marginal = logLikelihoods.logMarginal(null)
            assertThat(marginal[1]).isGreaterThan(marginal[0])
        }
    }
}
